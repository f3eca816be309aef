"""Exact and near-duplicate detection for imported articles.

* ``content_hash``: sha256 of the normalised text - equal for byte-different copies of the same
  article (CRLF vs LF, NFD vs NFC, trailing spaces).
* ``signature``/``similarity``: MinHash (datasketch, 128 permutations) over word shingles, so
  the same wire story republished with a different boilerplate tail is still recognised.
  Signatures are plain lists of ints so they can be stored in a JSON column.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from typing import Any

from .normalize import normalize_text

__all__ = [
    "NEAR_DUPLICATE_THRESHOLD",
    "NUM_PERM",
    "SHINGLE_SIZE",
    "content_hash",
    "shingles",
    "signature",
    "signatures",
    "similarity",
]

NUM_PERM = 128
SHINGLE_SIZE = 5
# Estimated Jaccard similarity at or above which two articles are flagged as near-duplicates.
NEAR_DUPLICATE_THRESHOLD = 0.8
# Fixed seed: signatures computed on different days/machines must stay comparable.
_SEED = 1

_WORD_RE = re.compile(r"\w+")


def content_hash(text: str) -> str:
    """Return the sha256 hex digest of the normalised text (UTF-8)."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """Return the set of ``size``-word shingles of the lower-cased, normalised text."""
    words = _WORD_RE.findall(normalize_text(text).casefold())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def signature(text: str) -> list[int]:
    """Return the MinHash signature (``NUM_PERM`` ints, JSON-serialisable) of ``text``."""
    return signatures([text])[0]


@functools.cache
def _minhash_parameters() -> tuple[Any, Any, Any, Any]:
    """datasketch's permutations for our seed, its empty signature and its pre-mix, once.

    Building a MinHash draws its 128 permutations from a seeded generator every time; the
    parameters never change for our seed, so they are drawn once per process.
    """
    from datasketch import MinHash  # lazy: importing datasketch takes ~0.5 s
    from datasketch.minhash import _SCHEME_WIDTHS, _fmix

    template = MinHash(num_perm=NUM_PERM, seed=_SEED)
    a, b = template.permutations
    width = _SCHEME_WIDTHS[template.scheme]
    return a, b, template.hashvalues.copy(), lambda hv: _fmix(hv, width)


def signatures(texts: Iterable[str]) -> list[list[int]]:
    """The MinHash signature of each text: exactly datasketch's ``MinHash(num_perm=128,
    seed=1).update_batch(shingles)`` values, computed without a MinHash object per text.

    Each shingle is hashed with datasketch's hash (the first 4 bytes of its SHA-1, little
    endian) read in one ``numpy.frombuffer`` instead of one ``struct.unpack`` per shingle;
    then the same pre-mix and affine permutations, and the minimum per permutation.
    """
    import numpy as np

    a, b, empty, premix = _minhash_parameters()
    sha1 = hashlib.sha1
    out: list[list[int]] = []
    for text in texts:
        grams = shingles(text)
        if not grams:
            out.append([int(v) for v in empty])
            continue
        digests = b"".join([sha1(g.encode("utf-8")).digest()[:4] for g in grams])
        hv = np.frombuffer(digests, dtype="<u4").astype(empty.dtype).reshape(-1, 1)
        out.append(np.minimum(empty, (premix(hv) * a + b).min(axis=0)).tolist())
    return out


def similarity(sig_a: list[int], sig_b: list[int]) -> float:
    """Return the estimated Jaccard similarity (0..1) of two signatures from ``signature``."""
    if len(sig_a) != len(sig_b):
        raise ValueError(f"signatures differ in length: {len(sig_a)} != {len(sig_b)}")
    if not sig_a:
        return 0.0
    return sum(1 for a, b in zip(sig_a, sig_b, strict=True) if a == b) / len(sig_a)
