"""Lexical matching of sentences: TF-IDF vectors in a packed sparse matrix (no ORM here).

Tokens are lower-cased words with English stop words removed, a light plural/tense
stemmer and a small news vocabulary of equivalents (Pyongyang → north korea, soldiers →
troops), plus word bigrams. Vectors are hashed into a fixed space (no vocabulary to keep
in step), weighted (1 + log tf) · idf and L2-normalised, so the dot product of two rows is
their cosine similarity (0..1). One query against 100,000 rows is one sparse matrix product.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from factcheck.lazy import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

# scikit-learn and SciPy (~90 MB) are imported on first use, not with this module: the web
# process imports it with the URLs and most of its processes never match anything.

# 2**20 buckets: few enough hash collisions that scores stay within ~1e-2 of exact TF-IDF.
N_FEATURES = 2**20
REWEIGH_GROWTH = 1.1
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
# News wording that means the same thing for matching purposes (the embedding path learns
# these; the lexical path needs to be told).
_EQUIVALENTS = {
    "pyongyang": "north_korea",
    "dprk": "north_korea",
    "moscow": "russia",
    "kremlin": "russia",
    "russian": "russia",
    "kyiv": "ukraine",
    "ukrainian": "ukraine",
    "beijing": "china",
    "chinese": "china",
    "soldier": "troop",
    "personnel": "troop",
    "force": "troop",
    "unit": "troop",
    "citizen": "national",
    "dispatch": "send",
    "deploy": "send",
    "sent": "send",
    "recruit": "send",
    "acknowledge": "confirm",
    "admit": "confirm",
    "deny": "deny",
    "denied": "deny",
    "fought": "fight",
    "fighting": "fight",
}


@cache
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS | {"said", "says", "also", "according", "reported", "report"}


_ENTITY = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)")


def _stem(word: str) -> str:
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("s", ""), ("ed", ""), ("ing", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + keep
    return word


def tokens(text: str) -> list[str]:
    words: list[str] = []
    stop = _stop_words()
    raw = [w.lower().replace("’", "'").strip("'-.,") for w in _WORD.findall(text)]
    i = 0
    while i < len(raw):
        word = raw[i]
        if word == "north" and i + 1 < len(raw) and raw[i + 1].startswith("korea"):
            words.append("north_korea")
            i += 2
            continue
        i += 1
        if not word or word in stop:
            continue
        if word.endswith("'s"):
            word = word[:-2]
        base = _EQUIVALENTS.get(word) or _EQUIVALENTS.get(_stem(word)) or _stem(word)
        words.append(base)
    return words


def features(text: str) -> list[str]:
    words = tokens(text)
    return words


def entities(text: str) -> set[str]:
    """Named things (capitalised words not opening the text), normalised like tokens."""
    found: set[str] = set()
    for match in _ENTITY.finditer(text):
        found.update(tokens(match.group(1)))
    return found


@cache
def _hasher() -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        n_features=N_FEATURES,
        analyzer=features,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )


def count_matrix(texts: Sequence[str]) -> sparse.csr_matrix:
    return _hasher().transform(texts).tocsr()


@dataclass
class LexicalIndex:
    """Rows (one per stored sentence) with their keys; appendable; queried by cosine.

    The weighted rows are kept transposed (term → postings), in two blocks: the main block,
    weighted when the idf was last frozen, and a small tail of rows added since, weighted with
    that idf. Adding an article's sentences re-transposes only the tail; everything is
    re-weighted once the index grew by a tenth (``REWEIGH_GROWTH``).
    """

    keys: list[int] = field(default_factory=list)
    _counts: list[sparse.csr_matrix] = field(default_factory=list)
    _df: np.ndarray = field(default_factory=lambda: np.zeros(N_FEATURES, dtype=np.float32))
    _idf: np.ndarray | None = None
    _idf_at: int = 0  # rows in the main block
    _main: sparse.csr_matrix | None = None  # main block, transposed (terms x rows)
    _tail: list[sparse.csr_matrix] = field(default_factory=list)  # weighted rows since
    _tail_t: sparse.csr_matrix | None = None
    _weighted_at: int = 0

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, keys: Iterable[int], texts: Sequence[str]) -> None:
        keys = list(keys)
        if not keys:
            return
        counts = count_matrix(texts)
        self.keys.extend(keys)
        self._counts.append(counts)
        self._df += np.asarray((counts > 0).sum(axis=0)).ravel()

    def idf(self) -> np.ndarray:
        n = max(len(self.keys), 1)
        return np.log((1 + n) / (1 + self._df)).astype(np.float32) + 1.0

    def _weigh(self, counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
        from scipy import sparse

        weighted = counts.copy()
        weighted.data = (1.0 + np.log(weighted.data)).astype(np.float32)
        weighted = weighted.multiply(idf).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms).dot(weighted).tocsr()

    @property
    def nnz(self) -> int:
        self.prepare()
        return (self._main.nnz if self._main is not None else 0) + sum(t.nnz for t in self._tail)

    def prepare(self) -> None:
        """Weigh the rows added since the last call (all of them when the idf is refrozen)."""
        from scipy import sparse

        rows = len(self.keys)
        if rows == self._weighted_at and self._main is not None:
            return
        if self._main is None or rows > REWEIGH_GROWTH * self._idf_at:
            counts = sparse.vstack(self._counts).tocsr() if self._counts else count_matrix([])
            self._counts = [counts]
            self._idf = self.idf()
            self._main = self._weigh(counts, self._idf).T.tocsr()
            self._idf_at = self._weighted_at = rows
            self._tail, self._tail_t = [], None
            return
        fresh = sparse.vstack(self._counts).tocsr()[self._weighted_at :]
        self._tail.append(self._weigh(fresh, self._idf))
        self._tail_t = sparse.vstack(self._tail).T.tocsr()
        self._weighted_at = rows

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of each text (rows) with each stored row (columns), dense."""
        if not self.keys or not texts:
            return np.zeros((len(texts), len(self.keys)), dtype=np.float32)
        self.prepare()
        query = self._weigh(count_matrix(texts), self._idf)
        # Only the postings of the query's own terms take part: (terms x rows) sparse times a
        # small dense (terms x texts) block, three to four times faster than the full product.
        terms = np.unique(query.indices)
        block = query[:, terms].toarray().T
        parts = [self._main[terms].T @ block]
        if self._tail_t is not None:
            parts.append(self._tail_t[terms].T @ block)
        return np.asarray(np.vstack(parts), dtype=np.float32).T


def brute_force_scores(queries: Sequence[str], stored: Sequence[str]) -> list[list[float]]:
    """The same TF-IDF cosine computed pair by pair in Python (the benchmark's baseline)."""
    docs = [features(t) for t in stored]
    df: dict[str, int] = {}
    for doc in docs:
        for term in set(doc):
            df[term] = df.get(term, 0) + 1
    n = len(docs)

    def vector(words: list[str]) -> dict[str, float]:
        tf: dict[str, int] = {}
        for w in words:
            tf[w] = tf.get(w, 0) + 1
        vec = {
            w: (1 + math.log(c)) * (math.log((1 + n) / (1 + df.get(w, 0))) + 1)
            for w, c in tf.items()
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}

    stored_vectors = [vector(d) for d in docs]
    out = []
    for q in queries:
        qv = vector(features(q))
        out.append([sum(v * sv.get(w, 0.0) for w, v in qv.items()) for sv in stored_vectors])
    return out
