"""Exact and near-duplicate detection for imported articles.

* ``content_hash``: sha256 of the normalised text - equal for byte-different copies of the same
  article (CRLF vs LF, NFD vs NFC, trailing spaces).
* ``signature``/``similarity``: MinHash (datasketch, 128 permutations) over word shingles, so
  the same wire story republished with a different boilerplate tail is still recognised.
  Signatures are plain lists of ints so they can be stored in a JSON column.
"""

from __future__ import annotations

import hashlib
import re

from .normalize import normalize_text

__all__ = [
    "NEAR_DUPLICATE_THRESHOLD",
    "NUM_PERM",
    "SHINGLE_SIZE",
    "content_hash",
    "shingles",
    "signature",
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
    from datasketch import MinHash  # lazy: importing datasketch takes ~0.5 s

    mh = MinHash(num_perm=NUM_PERM, seed=_SEED)
    # update_batch hashes all shingles in one numpy pass: the same values as update() per
    # shingle, several times faster (this is the import's hottest line).
    mh.update_batch([sh.encode("utf-8") for sh in shingles(text)])
    return [int(v) for v in mh.hashvalues]


def similarity(sig_a: list[int], sig_b: list[int]) -> float:
    """Return the estimated Jaccard similarity (0..1) of two signatures from ``signature``."""
    if len(sig_a) != len(sig_b):
        raise ValueError(f"signatures differ in length: {len(sig_a)} != {len(sig_b)}")
    if not sig_a:
        return 0.0
    return sum(1 for a, b in zip(sig_a, sig_b, strict=True) if a == b) / len(sig_a)
