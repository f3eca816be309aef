"""The check-worthiness classifier: TF-IDF (words and characters) plus MiniLM embeddings,
fed to one class-balanced logistic regression.

A model is stored as one ``.npz`` file of plain arrays (vocabularies, idf weights,
coefficients), loaded with ``allow_pickle=False``: no pickle, nothing executable. Two variants
ship: ``full`` (lexical + embeddings) and ``lexical`` (the model-free path, used when the
embedding packages are missing or ``CLAIMS_CHECKWORTHY_MODEL=lexical``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from factcheck.lazy import numpy as np

from . import embeddings

# Chosen by 3-fold cross-validation on the training file only (see train_base.py).
DEFAULT_C = 4.0
EMBEDDING_WEIGHT = 2.0
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
MAX_CHAR_FEATURES = 60_000


def _word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=WORD_NGRAMS, min_df=2, sublinear_tf=True)


def _char_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=CHAR_NGRAMS,
        min_df=3,
        sublinear_tf=True,
        max_features=MAX_CHAR_FEATURES,
    )


def _restore(vectorizer: TfidfVectorizer, vocabulary: np.ndarray, idf: np.ndarray) -> None:
    vectorizer.vocabulary_ = {term: i for i, term in enumerate(vocabulary.tolist())}
    vectorizer.idf_ = idf


@dataclass
class CheckworthinessModel:
    words: TfidfVectorizer
    chars: TfidfVectorizer
    coef: np.ndarray  # (n_features,)
    intercept: float
    uses_embeddings: bool
    threshold: float = 0.5
    # A desk model is blended with the base one: weight = examples / (examples + 100).
    examples: int = 0

    @classmethod
    def fit(
        cls,
        texts: list[str],
        labels: list[int] | np.ndarray,
        *,
        use_embeddings: bool,
        vectors: np.ndarray | None = None,
        c: float = DEFAULT_C,
        sample_weight: np.ndarray | None = None,
    ) -> CheckworthinessModel:
        words, chars = _word_vectorizer(), _char_vectorizer()
        w = words.fit_transform(texts)
        ch = chars.fit_transform(texts)
        parts = [w, ch]
        if use_embeddings:
            vectors = embeddings.embed(texts) if vectors is None else vectors
            parts.append(csr_matrix(vectors * EMBEDDING_WEIGHT))
        features = hstack(parts).tocsr()
        # Balanced class weights: the training file has 25 % positives, an article's sentences
        # and the public test set about half; balancing keeps the decision at 0.5 meaningful.
        lr = LogisticRegression(C=c, max_iter=4000, class_weight="balanced")
        lr.fit(features, np.asarray(labels), sample_weight=sample_weight)
        return cls(
            words, chars, lr.coef_[0].astype(np.float32), float(lr.intercept_[0]), use_embeddings
        )

    def features(self, texts: list[str], vectors: np.ndarray | None = None) -> csr_matrix:
        parts = [self.words.transform(texts), self.chars.transform(texts)]
        if self.uses_embeddings:
            vectors = embeddings.embed(texts) if vectors is None else vectors
            parts.append(csr_matrix(vectors * EMBEDDING_WEIGHT))
        return hstack(parts).tocsr()

    def predict_proba(self, texts: list[str], vectors: np.ndarray | None = None) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        scores = self.features(texts, vectors) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.asarray(scores).ravel()))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        words_vocab = sorted(self.words.vocabulary_, key=self.words.vocabulary_.__getitem__)
        chars_vocab = sorted(self.chars.vocabulary_, key=self.chars.vocabulary_.__getitem__)
        with path.open("wb") as fh:
            np.savez_compressed(
                fh,
                words_vocab=np.array(words_vocab, dtype=str),
                words_idf=self.words.idf_.astype(np.float32),
                chars_vocab=np.array(chars_vocab, dtype=str),
                chars_idf=self.chars.idf_.astype(np.float32),
                coef=self.coef,
                intercept=np.array([self.intercept]),
                uses_embeddings=np.array([self.uses_embeddings]),
                threshold=np.array([self.threshold]),
                examples=np.array([self.examples]),
            )

    @classmethod
    def load(cls, path: Path) -> CheckworthinessModel:
        with np.load(path, allow_pickle=False) as data:
            words, chars = _word_vectorizer(), _char_vectorizer()
            _restore(words, data["words_vocab"], data["words_idf"].astype(np.float64))
            _restore(chars, data["chars_vocab"], data["chars_idf"].astype(np.float64))
            return cls(
                words,
                chars,
                data["coef"],
                float(data["intercept"][0]),
                bool(data["uses_embeddings"][0]),
                float(data["threshold"][0]),
                int(data["examples"][0]) if "examples" in data else 0,
            )
