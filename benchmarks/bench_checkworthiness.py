"""Check-worthiness: positive-class F1 / precision / recall on the ClaimBuster public test file.

    python benchmarks/bench_checkworthiness.py [--shared ../shared]

Compares, in the same run: a plain TF-IDF + logistic regression trained here on the training
file (the baseline the data set's README quotes, F1 ≈ 0.80), the shipped model-free (lexical)
model and the shipped full model (lexical + MiniLM embeddings). The shipped models were trained
on the training file only (claims/checkworthiness/train_base.py). Also prints the suggestion
recall on the hand-made seed gold (tests/checkworthiness_gold.py), model load time and speed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prf(labels: list[int], predicted: list[bool]) -> tuple[float, float, float]:
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if y and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    bench = args.shared / "claims-bench"
    train = json.loads((bench / "claimbuster-train.json").read_text())
    test = json.loads((bench / "claimbuster-test-public.json").read_text())
    texts = [r["text"] for r in test]
    labels = [int(r["label"]) for r in test]

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = []
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    lr = LogisticRegression(max_iter=2000).fit(
        vec.fit_transform([r["text"] for r in train]), [r["label"] for r in train]
    )
    baseline = lr.predict_proba(vec.transform(texts))[:, 1]
    rows.append(
        ("baseline: plain TF-IDF + LR (trained here)", prf(labels, list(baseline >= 0.5)), None)
    )

    from claims.checkworthiness import base_model, embeddings

    t = time.perf_counter()
    lexical = base_model("lexical")
    lexical_load = time.perf_counter() - t
    t = time.perf_counter()
    scores = lexical.predict_proba(texts)
    rows.append(("shipped lexical model (model-free path)", prf(labels, list(scores >= 0.5)),
                 len(texts) / (time.perf_counter() - t)))  # fmt: skip
    full_load = None
    if embeddings.available():
        t = time.perf_counter()
        full = base_model("full")
        embeddings.embed(["warm up"])
        full_load = time.perf_counter() - t
        t = time.perf_counter()
        scores = full.predict_proba(texts)
        rows.append(("shipped full model (lexical + MiniLM int8)", prf(labels, list(scores >= 0.5)),
                     len(texts) / (time.perf_counter() - t)))  # fmt: skip

    print(f"ClaimBuster public test: {len(test)} sentences, {sum(labels)} check-worthy")
    print(f"{'model':<46} {'F1':>6} {'P':>6} {'R':>6} {'sent/s':>8}")
    for name, (f1, p, r), speed in rows:
        print(f"{name:<46} {f1:6.3f} {p:6.3f} {r:6.3f} {speed or 0:8.0f}")
    print(
        f"load: lexical {lexical_load:.2f} s"
        + (f", full (with ONNX session) {full_load:.2f} s" if full_load else "")
    )

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    from django.conf import settings

    from annotations.text import clean_text
    from claims.checkworthiness import suggest_spans
    from tests.checkworthiness_gold import GOLD

    for variant, threshold in [(v, t) for v in ("lexical", "full") for t in (0.5, 0.8, 0.9)]:
        settings.CLAIMS_CHECKWORTHY_MODEL = variant
        settings.CLAIMS_CHECKWORTHY_THRESHOLD = threshold
        hits = total = suggested = sentences = 0
        for name, fragments in GOLD.items():
            text = clean_text((ROOT / "seeds" / name).read_text(encoding="utf-8")).text
            spans = suggest_spans(text)
            suggested += len(spans)
            from claims.checkworthiness.sentences import split_sentences

            sentences += len(split_sentences(text))
            for fragment in fragments:
                where = text.find(fragment)
                hits += any(s.start <= where < s.end for s in spans)
                total += 1
        label = variant
        print(
            f"seeds ({label}, threshold {threshold}): gold recall {hits}/{total} = "
            f"{hits / total:.2f}; {suggested} suggestions of {sentences} sentences"
        )


if __name__ == "__main__":
    main()
