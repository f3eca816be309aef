"""Check-worthy sentence suggestions for imported articles (pure: no ORM).

``suggest_spans(text)`` splits the cleaned text into sentences, scores each with the
check-worthiness classifier (:mod:`.model`) and proposes a tag and a claimant (:mod:`.cues`).
The classifier is the desk's own model when one has been trained from reviewers' accept /
reject decisions (:func:`retrain`), else the base model shipped in ``data/`` (trained on the
ClaimBuster training file by :mod:`.train_base`). Offsets are code points of ``text``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from factcheck.lazy import numpy as np

from . import embeddings
from .cues import propose_claimant, propose_tag
from .sentences import split_sentences

if TYPE_CHECKING:
    from .model import CheckworthinessModel


def _model_class() -> type[CheckworthinessModel]:
    # Imported on first use: scikit-learn and SciPy (~90 MB) stay out of the processes
    # that import this package but never score a sentence (the web server).
    from .model import CheckworthinessModel

    return CheckworthinessModel


__all__ = ["SuggestedSpan", "retrain", "score_sentences", "suggest_spans"]


DATA_DIR = Path(__file__).parent / "data"
DESK_MODEL_NAME = "desk.npz"
MIN_WORDS = 5
MAX_CHARS = 600
MIN_DESK_EXAMPLES = 20

_lock = threading.Lock()
_desk_cache: dict[str, tuple[float, CheckworthinessModel]] = {}


@dataclass(frozen=True)
class SuggestedSpan:
    start: int
    end: int  # code points in the given text
    tag: str  # "claim" | "denial" | "estimate"
    claimant: str  # "" when none found
    score: float  # 0..1 check-worthiness


def _setting(name: str) -> object:
    """A Django setting when Django is configured, else the environment variable of that name
    (a pure call from a script or benchmark)."""
    try:
        from django.conf import settings

        if settings.configured:
            value = getattr(settings, name, None)
            if value is not None:
                return value
    except ImportError:  # pragma: no cover - Django is a dependency
        pass
    return os.environ.get(name) or None


def _desk_model_dir() -> Path | None:
    configured = _setting("CLAIMS_MODEL_DIR")
    return Path(str(configured)) if configured else None


def uses_embeddings() -> bool:
    """The full model when CLAIMS_CHECKWORTHY_MODEL is "full" (default) and the embedding
    packages are installed; else the lexical, model-free one."""
    variant = str(_setting("CLAIMS_CHECKWORTHY_MODEL") or "full").strip().lower()
    return variant == "full" and embeddings.usable()


@cache
def base_model(variant: str) -> CheckworthinessModel:
    return _model_class().load(DATA_DIR / f"{variant}.npz")


def _desk_model(use_embeddings: bool) -> CheckworthinessModel | None:
    directory = _desk_model_dir()
    if directory is None:
        return None
    path = directory / DESK_MODEL_NAME
    if not path.is_file():
        return None
    mtime = path.stat().st_mtime
    with _lock:
        cached = _desk_cache.get(str(path))
        if cached is None or cached[0] != mtime:
            cached = (mtime, _model_class().load(path))
            _desk_cache[str(path)] = cached
    # A desk model trained with embeddings cannot score without them (and vice versa).
    return cached[1] if cached[1].uses_embeddings == use_embeddings else None


def score_sentences(sentences: list[str]) -> np.ndarray:
    """Check-worthiness probability of each sentence: the base model, blended with the desk's
    model (weight examples / (examples + 100)) once reviewers' decisions have trained one."""
    if not sentences:
        return np.zeros(0)
    use_embeddings = uses_embeddings()
    vectors = embeddings.embed(sentences) if use_embeddings else None
    base = base_model("full" if use_embeddings else "lexical")
    scores = base.predict_proba(sentences, vectors)
    desk = _desk_model(use_embeddings)
    if desk is not None and desk.examples:
        weight = desk.examples / (desk.examples + 100)
        scores = (1 - weight) * scores + weight * desk.predict_proba(sentences, vectors)
    return scores


# Above the classifier's 0.5 decision: news articles are mostly factual sentences, and a
# reviewer wants the ones most worth checking first (seed gold recall stays 1.0 with the full
# model and 0.87 with the lexical one at 0.8; benchmarks/bench_checkworthiness.py).
DEFAULT_SUGGEST_THRESHOLD = 0.8


def _threshold() -> float:
    raw = _setting("CLAIMS_CHECKWORTHY_THRESHOLD")
    return float(raw) if raw is not None else DEFAULT_SUGGEST_THRESHOLD


def suggest_spans(text: str) -> list[SuggestedSpan]:
    """Check-worthy sentences of ``text`` with a proposed tag and claimant, in text order."""
    candidates = [
        (start, end)
        for start, end in split_sentences(text)
        if len(text[start:end].split()) >= MIN_WORDS and end - start <= MAX_CHARS
    ]
    if not candidates:
        return []
    sentences = [text[s:e] for s, e in candidates]
    scores = score_sentences(sentences)
    threshold = _threshold()
    out = []
    for (start, end), sentence, score in zip(candidates, sentences, scores, strict=True):
        if score < threshold:
            continue
        out.append(
            SuggestedSpan(
                start=start,
                end=end,
                tag=propose_tag(sentence),
                claimant=propose_claimant(sentence),
                score=round(float(score), 4),
            )
        )
    return out


def retrain(examples: list[tuple[str, bool]]) -> dict:
    """Train the desk's model from reviewers' decisions and save it under CLAIMS_MODEL_DIR.

    ``examples`` are (sentence, accepted?) pairs. The desk's decisions are added to nothing
    else (the base training data does not ship), so at least MIN_DESK_EXAMPLES with both
    outcomes are needed; with fewer the base model stays in use and nothing is written.
    Returns figures: counts, whether a model was saved, and its cross-validated F1.
    """
    texts = [t for t, _ in examples]
    labels = np.array([1 if ok else 0 for _, ok in examples])
    result: dict = {
        "examples": len(examples),
        "accepted": int(labels.sum()),
        "rejected": int(len(labels) - labels.sum()),
        "saved": False,
    }
    if len(examples) < MIN_DESK_EXAMPLES or result["accepted"] == 0 or result["rejected"] == 0:
        result["reason"] = (
            f"need at least {MIN_DESK_EXAMPLES} decisions with both accepted and rejected ones"
        )
        return result
    directory = _desk_model_dir()
    if directory is None:
        result["reason"] = "CLAIMS_MODEL_DIR is not set"
        return result
    use_embeddings = uses_embeddings()
    vectors = embeddings.embed(texts) if use_embeddings else None
    model = _model_class().fit(texts, labels, use_embeddings=use_embeddings, vectors=vectors)
    model.examples = len(examples)
    folds = min(3, result["accepted"], result["rejected"])
    if folds >= 2:
        from sklearn.metrics import f1_score
        from sklearn.model_selection import StratifiedKFold

        scores = []
        for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(
            texts, labels
        ):
            fold = _model_class().fit(
                [texts[i] for i in train], labels[train], use_embeddings=use_embeddings,
                vectors=None if vectors is None else vectors[train],
            )  # fmt: skip
            proba = fold.predict_proba(
                [texts[i] for i in test], None if vectors is None else vectors[test]
            )
            scores.append(f1_score(labels[test], proba >= 0.5, zero_division=0))
        result["cross_validated_f1"] = round(float(np.mean(scores)), 3)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / (DESK_MODEL_NAME + ".tmp")
    model.save(tmp)
    os.replace(tmp, directory / DESK_MODEL_NAME)
    result["saved"] = True
    result["uses_embeddings"] = use_embeddings
    return result
