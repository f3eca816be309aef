"""Benchmark of the agreement jobs' database path (not a test).

Bulk-creates the synthetic corpus of benchmarks/bench_agreement.py (default 10,000 articles x
3 reviewers x ~20 spans, all submitted) in a database of its own, then times:

1. compute_corpus_agreement() with every article stale: reads the spans in chunks, computes
   and upserts every article report, sums the stats overall / per source / per import job /
   per tag / per pair and stores the corpus row. Three times in the same run, on the same
   data: the code of ``--baseline-rev`` (default: the last commit before the throughput work
   on this job) in a subprocess, with its default workers, as the baseline; today's code in
   one process; today's code with AGREEMENT_WORKERS processes. The stored article reports of
   the three must be equal (compared in SQL, jsonb), the corpus figures equal up to float
   rounding (sums in another order). Wall time and CPU time (this process and its children)
   are printed with the load average, since the machine is shared;
2. the same with nothing stale (the periodic run after a quiet period: stale check + sums);
3. a single-article update: one reviewer's verdicts change, then compute_article_agreement
   plus the corpus figures refreshed with CorpusAggregate.remove/add/report;
4. beside it, in the same run, the ``krippendorff`` package and our alpha on the same verdict
   data (the aligned items of the corpus).

Run from the repository root (PostgreSQL; the database is dropped and recreated):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agreement_bench DEBUG=1 \
        python -m benchmarks.bench_agreement_service [--articles N] [--reuse]
        [--baseline-rev REV | --baseline-rev none]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "1")


# The last commit before the agreement throughput work (issue "Throughput", part 5).
BASELINE_REV = "e44cb70"

OLD_CODE_RUN = """
import json, sys, time
import django
django.setup()
from django.conf import settings
from annotations.services import agreement
settings.AGREEMENT_WORKERS = int(sys.argv[1])
t0 = time.perf_counter()
row = agreement.compute_corpus_agreement()
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "recomputed": row.inputs["recomputed_articles"]}))
"""


def run_baseline(rev: str, workers: int) -> tuple[float, float]:
    """compute_corpus_agreement() of the code at ``rev``, in a subprocess on the same database.

    Returns (wall seconds of the call, CPU seconds of the subprocess and its children).
    """
    import json

    root = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tree:
        archive = subprocess.run(
            ["git", "-C", root, "archive", rev], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(
            [sys.executable, "-c", OLD_CODE_RUN, str(workers)],
            cwd=tree,
            env={**os.environ, "PYTHONPATH": tree},
            capture_output=True,
            text=True,
            check=True,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result["seconds"], cpu


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def close(a: Any, b: Any) -> bool:
    """Equal, floats up to rounding (sums taken in another order)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(close, a, b))
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-12 * max(1.0, abs(a))
    return bool(a == b)


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument(
        "--workers", type=int, default=0, help="processes (default: AGREEMENT_WORKERS)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep the corpus a previous run created with the same --articles and --seed "
        "(its reports are deleted, so every article is stale again).",
    )
    parser.add_argument(
        "--baseline-rev",
        default=BASELINE_REV,
        help="git revision whose agreement code is timed as the baseline ('none': skip)",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://.../agreement_bench (it is dropped and recreated).")
    if not args.reuse:
        recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run(
        args.articles,
        args.seed,
        reuse=args.reuse,
        args_workers=args.workers,
        baseline_rev=None if args.baseline_rev == "none" else args.baseline_rev,
    )


def timed(fn: Any, repeat: int = 1) -> tuple[Any, float]:
    import gc
    import statistics

    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, statistics.median(times)


def create_corpus(
    corpus: list[Any], scale: Any, labels: dict[str, Any], slug_map: dict[str, str]
) -> Any:
    """Bulk-create users, articles, submitted assignments and submitted annotations."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from annotations.models import (
        Annotation,
        AnnotationState,
        Article,
        Assignment,
        AssignmentStatus,
    )
    from benchmarks.bench_agreement import REVIEWERS

    users = {r: get_user_model().objects.create_user(username=r) for r in REVIEWERS}

    now = timezone.now()
    sources = ["Wire A", "Wire B", "Daily C", "Weekly D"]
    articles = Article.objects.bulk_create(
        [
            Article(
                title=f"Bench {i}",
                source=sources[i % len(sources)],
                raw="",
                text=(f"article {i} " + "lorem ipsum " * (length // 12 + 1))[:length],
                content_hash=hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
                verdict_scale=scale,
                status="reviewed",
            )
            for i, (_, length) in enumerate(corpus)
        ],
        batch_size=1000,
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                article=a,
                reviewer=users[r],
                status=AssignmentStatus.SUBMITTED,
                submitted_at=now,
            )
            for a in articles
            for r in REVIEWERS
        ],
        batch_size=5000,
    )
    batch: list[Annotation] = []
    n_spans = 0
    for art, (spans, _) in zip(articles, corpus, strict=True):
        for s in spans:
            batch.append(
                Annotation(
                    article=art,
                    reviewer=users[s.reviewer],
                    start=s.start,
                    end=s.end,
                    quote=art.text[s.start : s.end],
                    tag=s.tag,
                    verdict=labels[slug_map[s.verdict]] if s.verdict else None,
                    state=AnnotationState.SUBMITTED,
                )
            )
        if len(batch) >= 20_000:
            Annotation.objects.bulk_create(batch, batch_size=5000)
            n_spans += len(batch)
            batch = []
    Annotation.objects.bulk_create(batch, batch_size=5000)
    n_spans += len(batch)
    return users, articles, n_spans


def run(
    n_articles: int,
    seed: int,
    *,
    reuse: bool = False,
    args_workers: int = 0,
    baseline_rev: str | None = None,
) -> None:
    import krippendorff
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from annotations.agreement import CorpusAggregate, align_items, krippendorff_alpha
    from annotations.models import (
        AgreementReport,
        Annotation,
        AnnotationState,
        Article,
        VerdictLabel,
        VerdictScale,
    )
    from annotations.services import agreement
    from benchmarks.bench_agreement import REVIEWERS, VERDICTS, make_article

    # The synthetic scale's slugs, on the seeded Truth-O-Meter (same order, same ordinals).
    slug_map = {
        "false": "false",
        "mostly-false": "mostly-false",
        "mixed": "half-true",
        "mostly-true": "mostly-true",
        "true": "true",
        "unverifiable": "unverifiable",
    }
    scale = VerdictScale.objects.get(slug="truth-o-meter")
    labels = {lab.slug: lab for lab in VerdictLabel.objects.filter(scale=scale)}
    rng = random.Random(seed)
    t0 = time.perf_counter()
    corpus = [make_article(rng) for _ in range(n_articles)]
    if reuse:
        users = {u.username: u for u in get_user_model().objects.filter(username__in=REVIEWERS)}
        articles = list(Article.objects.order_by("pk"))
        assert len(articles) == n_articles, "--reuse needs the same --articles as the first run"
        AgreementReport.objects.all().delete()
        # Older versions of this script left article 0 changed: write it back as generated.
        first = articles[0]
        Annotation.objects.filter(article=first).delete()
        Annotation.objects.bulk_create(
            Annotation(
                article=first,
                reviewer=users[sp.reviewer],
                start=sp.start,
                end=sp.end,
                quote=first.text[sp.start : sp.end],
                tag=sp.tag,
                verdict=labels[slug_map[sp.verdict]] if sp.verdict else None,
                state=AnnotationState.SUBMITTED,
            )
            for sp in corpus[0][0]
        )
        n_spans = Annotation.objects.count()
    else:
        users, articles, n_spans = create_corpus(corpus, scale, labels, slug_map)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"created {n_articles} articles, {n_spans} submitted spans, "
        f"{len(REVIEWERS)} reviewers in {time.perf_counter() - t0:.0f} s "
        f"({connection.vendor})"
    )

    rows: list[tuple[str, float, str]] = []
    from django.conf import settings

    workers = args_workers or settings.AGREEMENT_WORKERS
    table = AgreementReport._meta.db_table

    def snapshot(name: str) -> None:
        """Keep the article reports of a run (jsonb) to compare in SQL, then delete them."""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(
                f"CREATE TABLE {name} AS SELECT article_id, inputs, stats, report, headline "  # noqa: S608
                f"FROM {table} WHERE scope = 'article'"
            )
        AgreementReport.objects.articles().delete()

    def differing(name: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT * FROM {table} WHERE scope = 'article') r "  # noqa: S608
                f"FULL JOIN {name} b USING (article_id) "
                "WHERE r.article_id IS NULL OR b.article_id IS NULL "
                "OR r.inputs IS DISTINCT FROM b.inputs OR r.stats IS DISTINCT FROM b.stats "
                "OR r.report IS DISTINCT FROM b.report OR r.headline IS DISTINCT FROM b.headline"
            )
            return cursor.fetchone()[0]

    def timed_cpu(fn: Any) -> tuple[Any, float, float]:
        gc.collect()
        cpu0, t0 = cpu_seconds(), time.perf_counter()
        out = fn()
        return out, time.perf_counter() - t0, cpu_seconds() - cpu0

    def load() -> str:
        one, five, fifteen = os.getloadavg()
        return f"load {one:.2f} {five:.2f} {fifteen:.2f}"

    old_row = None
    if baseline_rev:
        # Baseline in the same run: the code before this work, on the same data.
        print(f"baseline: code of {baseline_rev}, {workers} worker processes ({load()})")
        t_old, cpu_old = run_baseline(baseline_rev, workers)
        old_row = AgreementReport.objects.corpus().order_by("-computed_at", "-pk").first()
        assert old_row.inputs["recomputed_articles"] == n_articles
        snapshot("bench_baseline_reports")
        rows.append(
            (
                f"corpus recompute, all stale, code of {baseline_rev} (baseline)",
                t_old,
                f"cpu {cpu_old:.1f} s",
            )
        )
    settings.AGREEMENT_WORKERS = 1
    print(f"today's code, one process ({load()})")
    serial_row, t_serial, cpu_serial = timed_cpu(agreement.compute_corpus_agreement)
    assert serial_row.inputs["recomputed_articles"] == n_articles
    if old_row is not None:
        assert differing("bench_baseline_reports") == 0, "must store the baseline's reports"
        assert close(serial_row.report, old_row.report), "corpus figures differ"
    snapshot("bench_serial_reports")
    settings.AGREEMENT_WORKERS = workers
    print(f"today's code, {workers} worker processes ({load()})")
    corpus_row, t_full, cpu_full = timed_cpu(agreement.compute_corpus_agreement)
    assert corpus_row.inputs["recomputed_articles"] == n_articles
    assert differing("bench_serial_reports") == 0, "the parallel run must store the serial reports"
    assert close(corpus_row.report, serial_row.report)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_baseline_reports, bench_serial_reports")
    versus = f"; {t_old / t_full:.1f}x faster than the baseline" if baseline_rev else ""
    rows.append(("corpus recompute, all stale, one process", t_serial, f"cpu {cpu_serial:.1f} s"))
    rows.append(
        (
            f"corpus recompute, all stale, {workers} processes",
            t_full,
            f"cpu {cpu_full:.1f} s; goal <= 10 s{versus}",
        )
    )
    _, t_quiet = timed(agreement.compute_corpus_agreement, repeat=3)
    rows.append(("corpus recompute, nothing stale (median of 3)", t_quiet, "stale check + sums"))
    _, t_stale = timed(agreement.stale_article_ids, repeat=3)
    rows.append(("  of which stale check (median of 3)", t_stale, ""))

    # Single-article update: the aggregate is held in memory (built once, not timed).
    scale_labels = agreement.corpus_scale()
    agg = CorpusAggregate()
    stored = dict(AgreementReport.objects.articles().values_list("article_id", "stats"))
    for stats in stored.values():
        agg.add(stats)
    target = articles[0]
    verdict_cycle = ["true", "false"]

    def single_update() -> dict[str, Any]:
        # One reviewer changes their verdicts (as the adjudication or a reopen would).
        Annotation.objects.filter(article=target, reviewer=users["r1"]).update(
            verdict=labels[verdict_cycle[0]], updated_at=timezone.now() + timedelta(seconds=1)
        )
        verdict_cycle.reverse()
        # As in bench_agreement: a pending gen-2 pass over the benchmark's own heap (the
        # stored stats of every article, kept for the in-memory aggregate) is not billed.
        gc.collect()
        t_start = time.perf_counter()
        row = agreement.compute_article_agreement(article_id=target.pk)
        agg.remove(stored[target.pk])
        agg.add(row.stats)
        stored[target.pk] = row.stats
        report = agg.report(scale=scale_labels)
        single_update.elapsed.append(time.perf_counter() - t_start)  # type: ignore[attr-defined]
        return report

    original = list(
        Annotation.objects.filter(article=target, reviewer=users["r1"]).values_list(
            "pk", "verdict_id"
        )
    )
    single_update.elapsed = []  # type: ignore[attr-defined]
    for _ in range(5):
        single_update()
    for pk, verdict_id in original:  # leave the data as generated (for --reuse)
        Annotation.objects.filter(pk=pk).update(verdict_id=verdict_id)
    import statistics

    t_single = statistics.median(single_update.elapsed)  # type: ignore[attr-defined]
    rows.append(("single article update + corpus figures (median of 5)", t_single, "goal < 0.1 s"))
    _, t_article = timed(lambda: agreement.compute_article_agreement(article_id=target.pk), 5)
    rows.append(("  of which compute_article_agreement (median of 5)", t_article, ""))

    # Verdict alpha: the package and ours on the same aligned items.
    omap = {"false": 0, "mostly-false": 1, "mixed": 2, "mostly-true": 3, "true": 4}
    codes = {v: float(i) for i, v in enumerate(VERDICTS)}
    cols_nom, cols_ord = [], []
    for spans, _ in corpus:
        for item in align_items(spans):
            vs = [item[r].verdict if r in item else None for r in REVIEWERS]
            cols_nom.append([np.nan if v is None else codes[v] for v in vs])
            cols_ord.append([float(omap[v]) if v in omap else np.nan for v in vs])
    for level, data in (("nominal", np.array(cols_nom).T), ("ordinal", np.array(cols_ord).T)):
        ours, t_ours = timed(lambda: krippendorff_alpha(data, level), repeat=3)  # noqa: B023
        theirs, t_pkg = timed(
            lambda: krippendorff.alpha(reliability_data=data, level_of_measurement=level),  # noqa: B023
            repeat=3,
        )
        assert abs(ours["value"] - float(theirs)) < 1e-9, (ours, theirs)
        stored = corpus_row.report["overall"]["verdicts"][f"alpha_{level}"]["value"]
        assert abs(stored - float(theirs)) < 1e-9, (level, stored, theirs)  # same data, DB path
        rows.append(
            (f"alpha {level}: ours ({data.shape[1]} items)", t_ours, f"{ours['value']:.4f}")
        )
        rows.append(
            (f"alpha {level}: krippendorff pkg", t_pkg, f"ratio pkg/ours {t_pkg / t_ours:.1f}x")
        )
    stored_alpha = corpus_row.report["overall"]["verdicts"]["alpha_nominal"]["value"]
    print(f"\n{'step':56} {'seconds':>9}  note ({os.cpu_count()} cores, {load()} at the end)")
    print("-" * 80)
    for name, secs, note in rows:
        print(f"{name:56} {secs:9.3f}  {note}")
    print("-" * 80)
    print(f"stored corpus verdict alpha (nominal, from summed stats): {stored_alpha:.4f}")


if __name__ == "__main__":
    main()
