"""Sentence embeddings for claim matching: a switch over the one MiniLM loader.

The model itself (int8 ONNX all-MiniLM-L6-v2 from pinned PyPI packages, hashes checked at
load, one thread, no torch) lives in :mod:`claims.checkworthiness.embeddings`, which the
check-worthiness model uses too. Matching uses it only when ``CLAIMS_EMBEDDINGS=auto``; with
``off`` (the default and the tests), or without the packages, matching is lexical only.
See docs/claims.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from claims.checkworthiness import embeddings as model
from factcheck.lazy import numpy as np


def encoder() -> object | None:
    """The loaded model (truthy) when matching may use embeddings, else None."""
    if settings.CLAIMS_EMBEDDINGS == "off" or not model.usable():
        return None
    return model


def encode(texts: Sequence[str]) -> np.ndarray | None:
    return None if encoder() is None else model.embed(list(texts))


def reset() -> None:
    """Forget the loaded model and any load failure (tests switch the setting)."""
    model.reset()
