"""Train the two base models shipped in ``claims/checkworthiness/data/`` from a ClaimBuster
training file (the public data set is not part of this repository)::

    python -m claims.checkworthiness.train_base ../shared/claims-bench/claimbuster-train.json

The regularisation strength is chosen by 3-fold cross-validation on that file alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from factcheck.lazy import numpy as np

from . import embeddings
from .model import CheckworthinessModel

DATA_DIR = Path(__file__).parent / "data"


def cross_validated_c(texts: list[str], labels: np.ndarray, vectors: np.ndarray | None) -> float:
    best_c, best_f1 = 4.0, -1.0
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    for c in (1.0, 4.0, 16.0):
        scores = []
        for train, test in folds.split(texts, labels):
            model = CheckworthinessModel.fit(
                [texts[i] for i in train],
                labels[train],
                use_embeddings=vectors is not None,
                vectors=None if vectors is None else vectors[train],
                c=c,
            )
            proba = model.predict_proba(
                [texts[i] for i in test], None if vectors is None else vectors[test]
            )
            scores.append(f1_score(labels[test], proba >= 0.5))
        mean = float(np.mean(scores))
        print(f"  C={c:>4}: cross-validated F1 {mean:.3f}")
        if mean > best_f1:
            best_c, best_f1 = c, mean
    return best_c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("train_file", type=Path)
    parser.add_argument("--vectors-cache", type=Path, help="reuse/save the embeddings (.npy)")
    args = parser.parse_args()
    rows = json.loads(args.train_file.read_text())
    texts = [r["text"] for r in rows]
    labels = np.array([int(r["label"]) for r in rows])
    vectors = None
    if args.vectors_cache and args.vectors_cache.exists():
        vectors = np.load(args.vectors_cache)
    elif embeddings.available():
        vectors = embeddings.embed(texts)
        if args.vectors_cache:
            np.save(args.vectors_cache, vectors)
    for name, vecs in (("full", vectors), ("lexical", None)):
        if name == "full" and vecs is None:
            print("embedding model not installed: skipping the full model")
            continue
        print(f"{name}: choosing C")
        c = cross_validated_c(texts, labels, vecs)
        model = CheckworthinessModel.fit(
            texts, labels, use_embeddings=vecs is not None, vectors=vecs, c=c
        )
        path = DATA_DIR / f"{name}.npz"
        model.save(path)
        print(f"{name}: C={c}, saved {path} sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
