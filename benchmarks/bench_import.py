"""Import throughput: the real pipeline on a real worker vs. a bare bulk_create of the same rows.

Generates COUNT articles varied from the seed texts (every article distinct: words swapped,
paragraphs shuffled, a unique dateline), writes them as JSONL files (1000 lines each) in one
upload and measures, in the same run:

* pipeline   - start_upload_import → a real Celery worker (solo pool, or prefork with
               --concurrency N sharing the job's items) expands the JSONL file
               and imports every line (decode, clean, hash, MinHash + LSH near-duplicate check,
               insert, per-item claim and outcome) until the job finishes;
* baseline   - Article.objects.bulk_create of the same rows, already cleaned, in batches of 1000;
* extraction - extract_html over generated HTML pages (pages/s), beside clean_text on the same
               articles' plain text.

Use a database of its own; the articles the benchmark creates are deleted at the end
(--keep keeps them). Example (PostgreSQL + Redis)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/import REDIS_URL=redis://127.0.0.1:6379/0 \\
        DEBUG=1 python benchmarks/bench_import.py --count 10000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
QUEUE = f"bench-{uuid.uuid4().hex[:8]}"
os.environ["CELERY_QUEUE"] = QUEUE  # our own queue: no other worker takes the benchmark's job
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from annotations import text as textpipe  # noqa: E402
from annotations.models import Article, ImportJob, MinHashBand, VerdictScale  # noqa: E402
from annotations.services import imports  # noqa: E402

VOCAB = (
    "officials ministry report border troops region analysts figures government statement "
    "spokesperson capital minister forces weapons agency sources briefing parliament allies "
    "sanctions economy talks ceasefire envoy summit election protest court ruling budget "
    "harvest drought floods vaccine hospital school bridge railway port pipeline satellite"
).split()


def seed_paragraphs() -> list[str]:
    paragraphs: list[str] = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        cleaned = textpipe.clean_text(textpipe.decode_bytes(path.read_bytes()))
        paragraphs += [p for p in cleaned.text.split("\n\n") if len(p) > 80]
    return paragraphs


def generate(count: int, run: str) -> list[dict[str, str]]:
    rng = random.Random(42)
    paragraphs = seed_paragraphs()
    articles = []
    for i in range(count):
        chosen = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(4, 8)))
        varied = []
        for p in chosen:
            words = p.split(" ")
            for j in range(0, len(words), 4):  # swap every 4th word: articles stay distinct
                words[j] = rng.choice(VOCAB) + str(rng.randint(0, 999))
            varied.append(" ".join(words))
        dateline = f"KYIV, bench {run} article {i}: {rng.choice(VOCAB)} update."
        articles.append(
            {
                "title": f"Benchmark article {i} on {rng.choice(VOCAB)}",
                "author": "Bench Writer",
                "published": "2025-04-28",
                "text": "\n\n".join([dateline, *varied]),
            }
        )
    return articles


def start_worker(concurrency: int) -> subprocess.Popen[str]:
    pool = "solo" if concurrency == 1 else "prefork"
    args = [sys.executable, "-m", "celery", "-A", "factcheck", "worker", f"--pool={pool}",
            f"--concurrency={concurrency}",
            "--loglevel=WARNING", "-Q", QUEUE, "--without-gossip", "--without-mingle",
            f"--hostname=bench-{QUEUE}@%h"]  # fmt: skip
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(args, env=env, cwd=REPO, text=True, start_new_session=True)


def bench_pipeline(articles: list[dict[str, str]], concurrency: int) -> tuple[float, ImportJob]:
    # Several JSONL files of 1000 lines each in one upload (each file under IMPORT_MAX_BYTES).
    files = [
        (
            f"bench-{n // 1000:03d}.jsonl",
            "\n".join(json.dumps(a, ensure_ascii=False) for a in articles[n : n + 1000]).encode(),
        )
        for n in range(0, len(articles), 1000)
    ]
    worker = start_worker(concurrency)
    try:
        time.sleep(3)  # let the worker connect before the clock starts
        started = time.perf_counter()
        job = imports.start_upload_import(user=None, files=files)
        last = -1
        while True:
            job.refresh_from_db()
            if job.seen != last and job.seen % 1000 < 20:
                print(f"  ... {job.seen}/{job.total}", flush=True)
                last = job.seen
            if job.is_finished:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(30)
    return elapsed, job


def bench_baseline(articles: list[dict[str, str]], run: str) -> float:
    scale = VerdictScale.objects.default()
    rows = []
    for a in articles:  # pre-cleaned: the baseline only writes rows
        text = a["text"] + f"\n\nbaseline {run}"
        rows.append(
            Article(
                title=a["title"], byline=a["author"], raw=a["text"], text=text,
                content_hash=textpipe.content_hash(text), verdict_scale=scale,
                source=f"bench-baseline-{run}",
            )
        )  # fmt: skip
    started = time.perf_counter()
    Article.objects.bulk_create(rows, batch_size=1000)
    return time.perf_counter() - started


def bench_extraction(articles: list[dict[str, str]], pages: int) -> tuple[float, float]:
    sample = articles[:pages]
    html = [
        "<!doctype html><html><head><meta charset='utf-8'><title>" + a["title"] + "</title>"
        "</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article>"
        f"<h1>{a['title']}</h1>"
        + "".join(f"<p>{p}</p>" for p in a["text"].split("\n\n"))
        + "</article><footer>Copyright 2025 Example. All rights reserved.</footer></body></html>"
        for a in sample
    ]
    started = time.perf_counter()
    for page in html:
        textpipe.extract_html(page)
    extract_rate = len(html) / (time.perf_counter() - started)
    started = time.perf_counter()
    for a in sample:
        textpipe.clean_text(a["text"])
    clean_rate = len(sample) / (time.perf_counter() - started)
    return extract_rate, clean_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="articles to import")
    parser.add_argument("--pages", type=int, default=300, help="HTML pages to extract")
    parser.add_argument(
        "--concurrency", type=int, default=1,
        help="worker processes (1: solo pool; more: prefork, sharing the job's items)",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the imported articles")
    opts = parser.parse_args()
    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]
    broker = django.conf.settings.CELERY_BROKER_URL.split("://")[0]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; broker: {broker}")
    articles = generate(opts.count, run)
    print(f"generated {len(articles)} articles")

    elapsed, job = bench_pipeline(articles, opts.concurrency)
    print(f"pipeline: job #{job.pk} {job.status}: {job.imported} imported, "
          f"{job.duplicates} duplicate, {job.failed} failed")  # fmt: skip
    near = Article.objects.filter(import_job=job, near_duplicate_of__isnull=False).count()
    baseline = bench_baseline(articles, run)
    pipeline_rate = len(articles) / elapsed
    baseline_rate = len(articles) / baseline
    extract_rate, clean_rate = bench_extraction(articles, opts.pages)

    print()
    label = f"pipeline (real worker, {opts.concurrency} process(es))"
    print(f"{label:40} {pipeline_rate:10.1f} articles/s "
          f"({elapsed:.1f} s; {near} linked as near duplicates)")  # fmt: skip
    print(f"{'baseline (bulk_create, pre-cleaned)':40} {baseline_rate:10.1f} articles/s "
          f"({baseline:.2f} s)")  # fmt: skip
    print(f"{'ratio pipeline / baseline':40} {pipeline_rate / baseline_rate:10.3f}")
    print(f"{'HTML extraction (extract_html)':40} {extract_rate:10.1f} pages/s")
    print(f"{'plain-text cleaning (clean_text)':40} {clean_rate:10.1f} articles/s")

    from factcheck.celery import app as celery_app

    with celery_app.connection_for_write() as conn:  # the extra no-op messages of the job
        conn.default_channel.queue_purge(QUEUE)
    if not opts.keep:
        ids = Article.objects.filter(import_job=job).values_list("pk", flat=True)
        MinHashBand.objects.filter(article_id__in=ids).delete()
        Article.objects.filter(import_job=job).delete()
        Article.objects.filter(source=f"bench-baseline-{run}").delete()
        job.delete()


if __name__ == "__main__":
    main()
