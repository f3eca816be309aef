"""Benchmark of claim matching (not a test): one article against 10k and 100k stored claims.

Stored claims are synthetic news sentences (seeded templates over a few thousand names,
verbs, nouns and figures) plus the sentences of the five seeds. An "article" is 20 sentences.
For each size it prints, beside a baseline from the same run:

1. building the index (TF-IDF rows hashed into a packed sparse matrix);
2. matching one article: lexical scores + top-k, median and p95 over 30 articles, and
   articles/s; baseline: the same TF-IDF cosine computed pair by pair in Python;
3. with the [embeddings] extra installed: model load time, encoding 20 sentences, and the
   dense product against a packed 384-d float32 matrix of the stored rows (random unit
   vectors stand in for 100k encoded sentences, which would take ~11 min at ~155/s);
4. the process's peak memory (a worker holding the index, and the model when loaded).

Run from the repository root: python -m benchmarks.bench_claim_matching [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import time
from pathlib import Path

import numpy as np

from claims.services.textmatch import LexicalIndex, brute_force_scores

ROOT = Path(__file__).resolve().parent.parent
TOP_K = 20
SUBJECTS = [
    "North Korea",
    "Russia",
    "Ukraine",
    "China",
    "the Kremlin",
    "Pyongyang",
    "Kyiv",
    "the Pentagon",
    "NATO",
    "the European Union",
    "Iran",
    "Belarus",
    "Poland",
]
VERBS = [
    "confirmed",
    "denied",
    "reported",
    "claimed",
    "estimated",
    "said",
    "announced",
    "acknowledged",
    "rejected",
    "warned",
]
NOUNS = [
    "troops",
    "soldiers",
    "drones",
    "missiles",
    "tanks",
    "civilians",
    "refugees",
    "sanctions",
    "shells",
    "artillery systems",
    "volunteers",
    "engineers",
]
PLACES = [
    "Kursk",
    "Donetsk",
    "Belgorod",
    "Kharkiv",
    "Zaporizhzhia",
    "Crimea",
    "Odesa",
    "Luhansk",
    "Sumy",
    "Kherson",
    "Minsk",
    "Warsaw",
]


def synthetic(rng: random.Random, n: int) -> list[str]:
    def name() -> str:
        title = rng.choice(["Minister", "General", "Spokesperson", "Analyst"])
        return title + " " + "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou")
                                     for _ in range(3)).title()  # fmt: skip

    names = [name() for _ in range(3000)]
    months = ["January", "March", "June", "October"]
    out = []
    for _ in range(n):
        out.append(
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} that {rng.choice(SUBJECTS)} sent "
            f"{rng.choice(['about', 'up to', 'more than', ''])} {rng.randint(1, 400) * 50:,} "
            f"{rng.choice(NOUNS)} to {rng.choice(PLACES)} in {rng.choice(months)}, "
            f"{rng.choice(names)} said."
        )  # fmt: skip
    return out


def seed_sentences() -> list[str]:
    import re

    text = " ".join(p.read_text() for p in sorted((ROOT / "seeds").glob("*.txt")))
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 6]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, scores.shape[1])
    return np.argpartition(-scores, k - 1, axis=1)[:, :k]


def bench_size(
    n: int, rng: random.Random, articles: list[list[str]], baseline_articles: int
) -> None:
    stored = synthetic(rng, n - 200) + seed_sentences()[:200]
    gc.collect()
    t = time.perf_counter()
    index = LexicalIndex()
    for i in range(0, len(stored), 10_000):  # added in batches, as imports add them
        index.add(range(i, i + len(stored[i : i + 10_000])), stored[i : i + 10_000])
    index.prepare()
    build = time.perf_counter() - t
    print(f"\n== {len(index):,} stored claims")
    print(f"index build: {build:.2f} s ({len(index) / build:,.0f} rows/s), "
          f"matrix {index.nnz:,} non-zeros, peak RSS {peak_mb():.0f} MB")  # fmt: skip
    index.scores(articles[0])  # warm-up
    times = []
    for sentences in articles:
        t = time.perf_counter()
        top_k(index.scores(sentences), TOP_K)
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    p95 = sorted(times)[int(0.95 * len(times)) - 1]
    size = len(articles[0])
    print(f"packed sparse index: one article ({size} sentences) median {med * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms, {1 / med:.1f} articles/s")  # fmt: skip
    # As in the worker: each imported article is matched, then its sentences join the index.
    times = []
    for k, sentences in enumerate(articles):
        t = time.perf_counter()
        top_k(index.scores(sentences), TOP_K)
        index.add(range(10**9 + 20 * k, 10**9 + 20 * k + len(sentences)), sentences)
        index.prepare()
        times.append(time.perf_counter() - t)
    print(f"match then add (the worker's job): median {statistics.median(times) * 1000:.1f} ms "
          f"per article")  # fmt: skip
    t = time.perf_counter()
    for sentences in articles[:baseline_articles]:
        brute_force_scores(sentences, stored)
    base = (time.perf_counter() - t) / baseline_articles
    print(f"brute force (pair by pair, same TF-IDF): one article {base * 1000:,.0f} ms, "
          f"{1 / base:.2f} articles/s  -> index is {base / med:,.0f}x faster")  # fmt: skip
    exact = LexicalIndex()
    exact.add(range(len(stored)), stored)
    a = exact.scores(articles[0][:3])
    b = np.array(brute_force_scores(articles[0][:3], stored), dtype=np.float32)
    print(f"same scores as the baseline: max |diff| = {float(np.abs(a - b).max()):.2e}")


def bench_embeddings(sizes: list[int], articles: list[list[str]]) -> None:
    try:
        from claims.services.embeddings import Encoder
    except ImportError as exc:  # pragma: no cover - depends on the extra
        print(f"\n(embeddings skipped: {exc})")
        return
    before = peak_mb()
    t = time.perf_counter()
    try:
        encoder = Encoder()
    except Exception as exc:
        print(f"\n(embeddings not installed: {exc})")
        return
    load = time.perf_counter() - t
    encoder.encode(articles[0])  # warm-up
    t = time.perf_counter()
    for sentences in articles[:5]:
        encoder.encode(sentences)
    enc = (time.perf_counter() - t) / 5
    print(f"\n== embeddings (int8 ONNX MiniLM, 1 thread)\nmodel load {load:.2f} s, peak RSS "
          f"{before:.0f} -> {peak_mb():.0f} MB; encoding one article ({len(articles[0])} sent.) "
          f"{enc * 1000:.0f} ms ({len(articles[0]) / enc:.0f} sentences/s)")  # fmt: skip
    rng = np.random.default_rng(1)
    for n in sizes:
        dense = rng.standard_normal((n, 384), dtype=np.float32)
        dense /= np.linalg.norm(dense, axis=1, keepdims=True)
        query = encoder.encode(articles[1])
        times = []
        for _ in range(20):
            t = time.perf_counter()
            top_k(query @ dense.T, TOP_K)
            times.append(time.perf_counter() - t)
        dot = statistics.median(times)
        t = time.perf_counter()
        for q in query[:2]:
            [float(np.dot(q, row)) for row in dense]
        loop = (time.perf_counter() - t) / 2 * len(query)
        print(f"{n:,} stored vectors ({dense.nbytes / 2**20:.0f} MB): packed product + top-k "
              f"{dot * 1000:.1f} ms per article vs row-by-row {loop * 1000:,.0f} ms "
              f"({loop / dot:,.0f}x); with encoding {1 / (dot + enc):.1f} articles/s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pool = synthetic(random.Random(args.seed + 1), 20 * args.articles)
    articles = [pool[i * 20 : (i + 1) * 20] for i in range(args.articles)]
    print(f"claim matching benchmark: {args.articles} articles x 20 sentences, top-{TOP_K}")
    for n in args.sizes:
        bench_size(n, rng, articles, baseline_articles=3 if n <= 20_000 else 1)
    bench_embeddings(args.sizes, articles)
    print(f"\npeak RSS of this process: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
