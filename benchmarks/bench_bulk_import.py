"""Batch import throughput: JSONL through the batch path vs. a bare bulk_create, same run.

Measures, in one run and on the configured database (DATABASE_URL, default SQLite):

* import   - COUNT generated ~3 kB texts (every one distinct) uploaded as JSONL files, imported
             by a real Celery worker (one solo process) through the batch path: decode, clean,
             content hash, MinHash, near-duplicate look-up, bulk insert, per-item outcome;
             wall clock from the upload until the job is finished;
* baseline - Article.objects.bulk_create of the same rows (pre-cleaned, with their hashes and
             signatures already computed) in batches of 1000;
* baseline, all rows - the same, plus bulk_create of the other rows the import writes for
             them: the 32 MinHash band rows of each article and one import item (with the
             line's bytes) per text;
* phases   - where the import's time goes, measured in this process on 1,000 of the texts:
             cleaning, MinHash signatures, and the database work of the batches;
* pre-annotated - SPAN_TEXTS texts with SPANS_PER_TEXT spans each (our JSONL format, half of
             the spans owned by a named reviewer) through the same worker, until finished.

Use a database of its own; what the benchmark creates is deleted at the end. Examples::

    DEBUG=1 python benchmarks/bench_bulk_import.py            # SQLite (var/db.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench DEBUG=1 \\
        python benchmarks/bench_bulk_import.py --count 10000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

# The import is measured until its articles are visible; claim suggestions and matching are
# follow-up work (CLAIMS_AFTER_BATCH_IMPORT) that the peers do not do: left out here.
os.environ.setdefault("CLAIMS_AFTER_BATCH_IMPORT", "0")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import bench_import as base
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection

from annotations import text as textpipe
from annotations.models import (
    Annotation,
    Article,
    Assignment,
    ImportItem,
    ImportJob,
    MinHashBand,
    VerdictScale,
)
from annotations.services import imports
from annotations.services.importing import batch
from annotations.text.dedup import band_keys

TARGET_CHARS = 3000


def generate(count: int, run: str) -> list[dict[str, str]]:
    """~3 kB distinct articles varied from the seed paragraphs (bench_import's generator)."""
    rng = random.Random(7)
    paragraphs = base.seed_paragraphs()
    out = []
    for i in range(count):
        parts = [f"KYIV, bulk {run} article {i}: {rng.choice(base.VOCAB)} update."]
        while sum(len(p) + 2 for p in parts) < TARGET_CHARS:
            words = rng.choice(paragraphs).split(" ")
            for j in range(0, len(words), 4):  # every 4th word swapped: texts stay distinct
                words[j] = rng.choice(base.VOCAB) + str(rng.randint(0, 999))
            parts.append(" ".join(words))
        out.append(
            {
                "title": f"Bulk article {i} on {rng.choice(base.VOCAB)}",
                "author": "Bench Writer",
                "published": "2025-04-28",
                "text": "\n\n".join(parts)[: TARGET_CHARS + 400],
            }
        )
    return out


def with_spans(articles: list[dict[str, str]], per_text: int, reviewer: str) -> list[dict]:
    rng = random.Random(11)
    out = []
    for a in articles:
        text = textpipe.clean_text(a["text"], detect_title=False, known_title=a["title"]).text
        starts = sorted(rng.sample(range(0, len(text) - 40), per_text))
        spans = []
        for n, start in enumerate(starts):
            end = start + rng.randint(5, 30)
            spans.append(
                {
                    "start": start,
                    "end": end,
                    "quote": text[start:end],
                    "tag": rng.choice(["Claim", "denial", "ESTIMATE"]),
                    **({"reviewer": reviewer} if n % 2 else {}),
                }
            )
        out.append({**a, "text": text, "spans": spans})
    return out


def files_of(records: list[dict], prefix: str) -> list[tuple[str, bytes]]:
    return [
        (
            f"{prefix}-{n // 1000:03d}.jsonl",
            "\n".join(json.dumps(r, ensure_ascii=False) for r in records[n : n + 1000]).encode(),
        )
        for n in range(0, len(records), 1000)
    ]


def run_job(files: list[tuple[str, bytes]], user) -> tuple[float, ImportJob]:
    started = time.perf_counter()
    job = imports.start_upload_import(user=user, files=files)
    while True:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.05)
    return time.perf_counter() - started, job


def baseline_rows(articles: list[dict[str, str]], run: str) -> list[Article]:
    scale = VerdictScale.objects.default()
    rows = []
    for a in articles:  # pre-cleaned, hashed and signed: the baseline only writes rows
        text = a["text"] + f"\n\nbaseline {run}"
        rows.append(
            Article(
                title=a["title"], byline=a["author"], raw=a["text"], text=text,
                content_hash=textpipe.content_hash(text), minhash=textpipe.signature(text),
                verdict_scale=scale, source=f"bench-baseline-{run}",
            )
        )  # fmt: skip
    return rows


def phases(articles: list[dict[str, str]]) -> dict[str, float]:
    """Seconds per 1,000 texts for the CPU steps of the batch path, in this process."""
    sample = articles[:1000]
    lines = [json.dumps(a).encode() for a in sample]
    from annotations.services.importing.records import parse_record

    started = time.perf_counter()
    drafts = [parse_record("x", line).draft for line in lines]
    parse = time.perf_counter() - started
    started = time.perf_counter()
    for d in drafts:
        textpipe.signature(d.text)
    sign = time.perf_counter() - started
    scale = 1000 / len(sample)
    return {"parse + clean": parse * scale, "MinHash signatures": sign * scale}


def one_by_one_vs_batches(articles: list[dict[str, str]], user) -> tuple[float, float, list]:
    """The same texts in this process: one item per transaction (the path .txt files and URLs
    still take) vs. the batch path. Returns (one-by-one s, batches s, jobs)."""
    from annotations.services.importing import jobs as jobmod

    half = len(articles) // 2
    runs = []
    for label, chunk in (("one by one", articles[:half]), ("batches", articles[half:])):
        job = imports.start_upload_import(user=user, files=files_of(chunk, f"cmp-{label[:3]}"))
        ImportJob.objects.filter(pk=job.pk).update(status="running")
        context = jobmod._RunContext.load(job.pk)
        container = jobmod._claim_items(job.pk)[0]
        jobmod._process_item(container, context)  # expand the file: not timed
        started = time.perf_counter()
        if label == "one by one":
            while items := jobmod._claim_items(job.pk, limit=10):
                for item in items:
                    jobmod._process_item(item, context)
            jobmod._finish_job(job.pk)
        else:
            imports.run_import_job(job_id=job.pk)
        runs.append(time.perf_counter() - started)
        job.refresh_from_db()
        assert job.imported == len(chunk), (label, job.imported, job.failed)
        runs.append(job)
    return runs[0], runs[2], [runs[1], runs[3]]


def cleanup(run: str, jobs: list[ImportJob]) -> None:
    """Delete what the run created (audit events are append-only: they stay)."""
    ids = list(Article.objects.filter(import_job__in=jobs).values_list("pk", flat=True))
    ids += list(Article.objects.filter(source=f"bench-baseline-{run}").values_list("pk", flat=True))
    spans = Annotation.objects.filter(article_id__in=ids)
    spans.delete()
    Assignment.objects.filter(article_id__in=ids).delete()
    MinHashBand.objects.filter(article_id__in=ids).delete()
    Article.objects.filter(pk__in=ids).delete()
    for job in jobs:
        job.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="texts to import")
    parser.add_argument("--span-texts", type=int, default=2_000)
    parser.add_argument("--spans-per-text", type=int, default=10)
    parser.add_argument(
        "--compare", type=int, default=1000,
        help="texts for the in-process one-by-one vs. batches comparison (half each; 0: skip)",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep what was imported")
    opts = parser.parse_args()
    call_command("migrate", verbosity=0)
    run = os.urandom(4).hex()
    broker = base.django.conf.settings.CELERY_BROKER_URL.split("://")[0]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; broker: {broker}")
    print(f"batch size: {batch.BATCH_SIZE} (claims grow {batch.FIRST_BATCH}, x4, ...)")
    admin, _ = User.objects.get_or_create(username=f"bench-admin-{run}")
    reviewer, _ = User.objects.get_or_create(username=f"bench-reviewer-{run}")
    reviewer.groups.add(Group.objects.get_or_create(name="reviewer")[0])
    articles = generate(opts.count, run)
    size = sum(len(a["text"].encode()) for a in articles) / len(articles)
    print(f"generated {len(articles)} texts, {size:.0f} bytes each on average")
    cpu = phases(articles)
    compare = None
    if opts.compare:
        extra = generate(opts.compare, run + "-cmp")
        one, batched, cmp_jobs = one_by_one_vs_batches(extra, admin)
        compare = (len(extra) // 2, one, batched)
    pre = with_spans(
        generate(opts.span_texts, run + "-spans"), opts.spans_per_text, reviewer.username
    )

    from factcheck.celery import app as celery_app

    # The one-by-one comparison stored articles through the single-item path, which enqueues
    # claim suggestions per article: those tasks would run before the timed job. Dropped.
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(base.QUEUE)
    worker = base.start_worker(1)
    jobs: list[ImportJob] = []
    try:
        time.sleep(4)  # let the worker connect before the clock starts
        elapsed, job = run_job(files_of(articles, "bulk"), admin)
        jobs.append(job)
        print(f"import: job #{job.pk} {job.status}: {job.imported} imported, "
              f"{job.duplicates} duplicate, {job.failed} failed")  # fmt: skip
        span_elapsed, span_job = run_job(files_of(pre, "pre"), admin)
        jobs.append(span_job)
        spans = Annotation.objects.filter(article__import_job=span_job).count()
        print(f"pre-annotated: job #{span_job.pk} {span_job.status}: {span_job.imported} "
              f"imported, {spans} spans stored")  # fmt: skip
    finally:
        worker.terminate()
        worker.wait(30)

    rows = baseline_rows(articles, run)
    started = time.perf_counter()
    Article.objects.bulk_create(rows, batch_size=1000)
    baseline = time.perf_counter() - started
    baseline_job = ImportJob.objects.create(
        created_by=admin, kind="upload", label=f"bench-baseline-{run}"
    )
    jobs.append(baseline_job)
    payloads = [json.dumps(a, ensure_ascii=False).encode() for a in articles]
    started = time.perf_counter()
    MinHashBand.objects.bulk_create(
        [MinHashBand(article=a, band=b, key=k) for a in rows for b, k in band_keys(a.minhash)],
        batch_size=1000,
    )
    ImportItem.objects.bulk_create(
        [
            ImportItem(job=baseline_job, position=n, name=f"line {n}", payload=payload,
                       metadata={"kind": "jsonl"}, status="imported", article=a)
            for n, (a, payload) in enumerate(zip(rows, payloads, strict=True), start=1)
        ],
        batch_size=1000,
    )  # fmt: skip
    baseline_all = baseline + time.perf_counter() - started

    per10k = elapsed * 10_000 / len(articles)
    print()
    print(f"{'step':58} {'seconds':>9} {'per 10,000':>11} {'texts/s':>9}")
    print(f"{'import through the batch path (1 worker process)':58} {elapsed:9.2f} "
          f"{per10k:11.2f} {len(articles) / elapsed:9.0f}")  # fmt: skip
    print(f"{'baseline: bare bulk_create of the same rows':58} {baseline:9.2f} "
          f"{baseline * 10_000 / len(articles):11.2f} {len(articles) / baseline:9.0f}")  # fmt: skip
    print(f"{'ratio import / baseline (throughput; goal >= 0.5)':58} {baseline / elapsed:9.3f}")
    per10k_all = baseline_all * 10_000 / len(articles)
    print(f"{'baseline, all rows: + band rows and import items':58} {baseline_all:9.2f} "
          f"{per10k_all:11.2f} {len(articles) / baseline_all:9.0f}")  # fmt: skip
    print(f"{'ratio import / baseline, all rows':58} {baseline_all / elapsed:9.3f}")
    for name, seconds in cpu.items():
        print(f"{'  of which, in-process: ' + name:58} {seconds:9.2f} {seconds * 10:11.2f}")
    label = f"pre-annotated: {len(pre)} texts + {spans} spans (goal <= 2 s)"
    print(f"{label:58} {span_elapsed:9.2f}")
    if compare:
        n, one, batched = compare
        print(f"{f'in-process, {n} texts: one item per transaction':58} {one:9.2f} "
              f"{one * 10_000 / n:11.2f} {n / one:9.0f}")  # fmt: skip
        print(f"{f'in-process, {n} other texts: batch path':58} {batched:9.2f} "
              f"{batched * 10_000 / n:11.2f} {n / batched:9.0f}")  # fmt: skip
        print(f"{'speed-up of the batch path (same run)':58} {one / batched:9.2f}")
        jobs += cmp_jobs

    with celery_app.connection_for_write() as conn:  # the extra no-op messages of the jobs
        conn.default_channel.queue_purge(base.QUEUE)
    if not opts.keep:
        cleanup(run, jobs)
        admin.delete()
        reviewer.delete()


if __name__ == "__main__":
    main()
