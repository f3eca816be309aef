"""Exact and near-duplicate detection for imported articles.

* ``content_hash``: sha256 of the normalised text - equal for byte-different copies of the same
  article (CRLF vs LF, NFD vs NFC, trailing spaces).
* ``signature``/``similarity``: MinHash (128 permutations) over 5-word shingles, so the same
  wire story republished with a different boilerplate tail is still recognised. Signatures are
  plain lists of ints so they can be stored in a JSON column; ``band_keys`` cuts one into the
  LSH band keys stored in MinHashBand rows.

The MinHash is computed with numpy, a whole text at a time (see ``signatures``): the earlier
per-shingle SHA-1 of datasketch cost ~1 ms per 3 kB text, the largest single cost of an import.
``SIGNATURE_VERSION`` names the scheme; migration 0012 recomputed the stored signatures and
bands when it changed. The test suite cross-checks the estimates against exact Jaccard
similarity and against datasketch's MinHash.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from typing import Any

from .normalize import normalize_text

__all__ = [
    "BANDS",
    "NEAR_DUPLICATE_THRESHOLD",
    "NUM_PERM",
    "ROWS",
    "SHINGLE_SIZE",
    "SIGNATURE_VERSION",
    "band_keys",
    "content_hash",
    "normalized_content_hash",
    "shingles",
    "signature",
    "signatures",
    "similarity",
]

NUM_PERM = 128
SHINGLE_SIZE = 5
# 32 bands of 4 rows over 128 permutations: a pair at similarity 0.8 shares a band with
# probability ~1, at 0.5 with ~0.87; candidates are then confirmed on the full signature.
BANDS = 32
ROWS = 4
# Estimated Jaccard similarity at or above which two articles are flagged as near-duplicates.
NEAR_DUPLICATE_THRESHOLD = 0.8
SIGNATURE_VERSION = 2
# Fixed seed: signatures computed on different days/machines must stay comparable.
_SEED = 1

_WORD_RE = re.compile(r"\w+")
# Word -> 64-bit hash, shared by every text of a process (news vocabulary repeats); cleared
# when it grows past this many words, so a long-lived worker stays small.
_WORD_CACHE_MAX = 200_000
_word_ids: dict[str, int] = {}


def content_hash(text: str) -> str:
    """Return the sha256 hex digest of the normalised text (UTF-8)."""
    return normalized_content_hash(normalize_text(text))


def normalized_content_hash(text: str) -> str:
    """``content_hash`` of a text that is already normalised (cleaned texts are)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _words(text: str, *, normalized: bool) -> list[str]:
    return _WORD_RE.findall((text if normalized else normalize_text(text)).casefold())


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """Return the set of ``size``-word shingles of the lower-cased, normalised text."""
    words = _words(text, normalized=False)
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def signature(text: str, *, normalized: bool = False) -> list[int]:
    """Return the MinHash signature (``NUM_PERM`` ints, JSON-serialisable) of ``text``."""
    return signatures([text], normalized=normalized)[0]


@functools.cache
def _parameters() -> tuple[Any, Any, Any, Any]:
    """The fixed random parameters: shingle position multipliers and 128 hash functions."""
    import numpy as np

    rng = np.random.Generator(np.random.PCG64(_SEED))
    bits = np.iinfo(np.uint64).max
    positions = rng.integers(1, bits, size=SHINGLE_SIZE, dtype=np.uint64) | np.uint64(1)
    a = rng.integers(1, bits, size=(NUM_PERM, 1), dtype=np.uint64) | np.uint64(1)  # odd
    b = rng.integers(0, bits, size=(NUM_PERM, 1), dtype=np.uint64)
    band_mix = rng.integers(1, bits, size=(BANDS, ROWS), dtype=np.uint64) | np.uint64(1)
    return positions, a, b, band_mix


def _word_hashes(words: list[str]) -> Any:
    import numpy as np

    ids = _word_ids
    if len(ids) > _WORD_CACHE_MAX:
        ids.clear()
    out = list(map(ids.get, words))  # one C loop; the misses are filled in below
    if None in out:
        for i, h in enumerate(out):
            if h is None:
                word = words[i]
                out[i] = ids[word] = int.from_bytes(
                    hashlib.blake2b(word.encode(), digest_size=8).digest(), "little"
                )
    return np.array(out, dtype=np.uint64)


def _mix(x: Any) -> Any:
    """splitmix64's finaliser: every input bit affects every output bit (wrapping uint64)."""
    import numpy as np

    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def signatures(texts: Iterable[str], *, normalized: bool = False) -> list[list[int]]:
    """The MinHash signature of each text.

    Each word is hashed once (blake2b, cached per process); a shingle's hash combines the
    hashes of its ``SHINGLE_SIZE`` words with fixed odd multipliers, then is mixed. Each of the
    128 hash functions is a multiply-shift of that 64-bit value (``(a * x + b) >> 32``, a
    universal family), and the signature keeps the minimum per function: 32-bit values.
    Repeated shingles do not need removing (a minimum ignores repeats). Empty texts get the
    all-0xFFFFFFFF signature. ``normalized=True`` skips normalising texts that already are.
    """
    import numpy as np

    positions, a, b, _ = _parameters()
    out: list[list[int]] = []
    with np.errstate(over="ignore"):
        for text in texts:
            words = _words(text, normalized=normalized)
            if not words:
                out.append([0xFFFFFFFF] * NUM_PERM)
                continue
            h = _word_hashes(words)
            n = max(1, len(h) - SHINGLE_SIZE + 1)
            grams = np.zeros(n, dtype=np.uint64)
            for i, p in enumerate(positions[: len(h)]):
                grams += h[i : i + n] * p
            # (a * x + b) for every function and shingle, one row per function; the shift
            # is monotonic, so it is applied to the 128 minima instead of the whole matrix.
            values = a * _mix(grams).reshape(1, -1)
            values += b
            out.append((values.min(axis=1) >> np.uint64(32)).tolist())
    return out


def band_keys(signature: list[int]) -> list[tuple[int, int]]:
    """(band, key) for the LSH bands of ``signature``: each band's ``ROWS`` values mixed into
    one signed 64-bit key; the band number is part of the key, so one indexed ``key IN
    (...)`` finds the candidates of every band."""
    import numpy as np

    count = min(BANDS, len(signature) // ROWS)
    if not count:
        return []
    _, _, _, band_mix = _parameters()
    with np.errstate(over="ignore"):
        rows = np.array(signature[: count * ROWS], dtype=np.uint64).reshape(count, ROWS)
        mixed = (rows * band_mix[:count]).sum(axis=1, dtype=np.uint64)
        keys = _mix(mixed + np.arange(count, dtype=np.uint64)).view(np.int64)
    return list(enumerate(keys.tolist()))


def similarity(sig_a: list[int], sig_b: list[int]) -> float:
    """Return the estimated Jaccard similarity (0..1) of two signatures from ``signature``."""
    if len(sig_a) != len(sig_b):
        raise ValueError(f"signatures differ in length: {len(sig_a)} != {len(sig_b)}")
    if not sig_a:
        return 0.0
    return sum(1 for a, b in zip(sig_a, sig_b, strict=True) if a == b) / len(sig_a)
