"""Benchmark: a page of 100 verdicts over 100,000+ annotations on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/api_bench \
        python benchmarks/bench_api_verdicts.py

Creates the database if needed and fills it once (2,000 articles, 10 reviewers who each mark
the same 5 claims per article = 100,000 review annotations, plus 5,000 final verdicts on
half the articles). Then, in the same run:

* API: GET /api/verdicts/?page_size=100&cursor=<random position> with a Bearer token,
  through Django's full request stack (URL routing, middleware, DRF authentication,
  permissions, filters, pagination, rendering) via django.test.Client (WSGI-style handler,
  no socket);
* baseline: the same 100 rows and their reviewers' verdicts fetched with two hand-written
  psycopg queries and serialised with json.dumps, on one open connection.

Both fetch the same pages in the same order. Prints requests/s, p50, p95 and the ratio.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/api_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
# Production-like settings: no DEBUG query log, persistent connections, plain HTTP client.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DB_CONN_MAX_AGE", "600")
os.environ.setdefault("LOG_LEVEL", "WARNING")

ARTICLES = 2000
REVIEWERS = 10
CLAIMS_PER_ARTICLE = 5
PAGE = 100
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
WARMUP = 20


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def fill() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from annotations.models import Annotation, Article, VerdictLabel, VerdictScale
    from annotations.services.imports import content_hash

    if Annotation.objects.count() >= ARTICLES * REVIEWERS * CLAIMS_PER_ARTICLE:
        return
    print("filling the database (once)…", flush=True)
    started = time.perf_counter()
    User = get_user_model()
    reviewer_group = Group.objects.get_or_create(name="reviewer")[0]
    adjudicator_group = Group.objects.get_or_create(name="adjudicator")[0]
    reviewers = []
    for n in range(REVIEWERS):
        user, _ = User.objects.get_or_create(username=f"bench-reviewer-{n}")
        user.groups.add(reviewer_group)
        reviewers.append(user)
    judge, _ = User.objects.get_or_create(username="bench-adjudicator")
    judge.groups.add(adjudicator_group)
    scale = VerdictScale.objects.default()
    labels = list(VerdictLabel.objects.filter(scale=scale))
    rng = random.Random(7)
    sentence = "The minister said that {n} thousand people had signed the petition by Friday. "
    articles = []
    for n in range(ARTICLES):
        text = "".join(sentence.format(n=n * 10 + k) for k in range(25))
        articles.append(
            Article(
                title=f"Bench article {n}",
                source=f"Wire {n % 7}",
                url=f"https://news.example/{n}",
                raw=text,
                text=text,
                content_hash=content_hash(text),
                verdict_scale=scale,
                status="published" if n % 4 == 0 else "reviewed",
            )
        )
    Article.objects.bulk_create(articles, batch_size=500)
    rows = []
    for i, article in enumerate(Article.objects.filter(title__startswith="Bench").order_by("id")):
        text = article.text
        for claim in range(CLAIMS_PER_ARTICLE):
            base = claim * 400 + 20
            for reviewer in reviewers:
                start = base + rng.randint(0, 5)
                end = base + 40 + rng.randint(0, 5)
                rows.append(
                    Annotation(
                        article=article,
                        reviewer=reviewer,
                        start=start,
                        end=end,
                        quote=text[start:end],
                        prefix=text[max(0, start - 32) : start],
                        suffix=text[end : end + 32],
                        tag=rng.choice(["claim", "claim", "estimate", "denial"]),
                        verdict=rng.choice(labels),
                        claimant="The minister",
                        state="submitted",
                    )
                )
            if i % 2 == 0:
                rows.append(
                    Annotation(
                        article=article,
                        reviewer=judge,
                        kind="final",
                        start=base,
                        end=base + 40,
                        quote=text[base : base + 40],
                        tag="claim",
                        verdict=rng.choice(labels),
                        claimant="The minister",
                        state="submitted",
                        rationale="Majority of reviewers.",
                    )
                )
        if len(rows) >= 20000:
            Annotation.objects.bulk_create(rows, batch_size=5000)
            rows = []
    Annotation.objects.bulk_create(rows, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"filled in {time.perf_counter() - started:.0f}s", flush=True)


BASELINE_PAGE_SQL = """
SELECT a.id, a.kind, a.tag, a.quote, a.start, a."end", a.prefix, a.suffix, a.claimant,
       a.note, a.evidence_urls, a.rationale, a.created_at, a.updated_at, a.based_on_id,
       a.article_id, ar.title, ar.url, ar.source, ar.published_at, ar.status,
       u.username, v.slug, v.name, v.ordinal, v.is_rateable
FROM annotations_annotation a
JOIN annotations_article ar ON ar.id = a.article_id
JOIN auth_user u ON u.id = a.reviewer_id
JOIN annotations_verdictlabel v ON v.id = a.verdict_id
WHERE a.deleted_at IS NULL AND a.tag IN ('claim', 'estimate', 'denial') AND a.id > %s
  AND (a.kind = 'final' OR NOT EXISTS (
        SELECT 1 FROM annotations_annotation f
        WHERE f.deleted_at IS NULL AND f.kind = 'final' AND f.article_id = a.article_id
          AND ((f.start < a."end" AND f."end" > a.start) OR f.based_on_id = a.id)))
ORDER BY a.id
LIMIT %s
"""
BASELINE_REVIEWS_SQL = """
SELECT r.id, r.article_id, r.start, r."end", r.quote, r.claimant, r.state,
       u.username, v.slug, v.name, v.ordinal, v.is_rateable
FROM annotations_annotation r
JOIN auth_user u ON u.id = r.reviewer_id
JOIN annotations_verdictlabel v ON v.id = r.verdict_id
WHERE r.deleted_at IS NULL AND r.kind = 'review' AND r.article_id = ANY(%s)
ORDER BY r.article_id, r.start, r."end", r.id
"""


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def baseline_page(conn: Any, after_id: int, public_url: str) -> bytes:
    """The same JSON as /api/verdicts/, by hand: two queries and json.dumps."""
    rows = conn.execute(BASELINE_PAGE_SQL, (after_id, PAGE + 1)).fetchall()
    has_next = len(rows) > PAGE
    rows = rows[:PAGE]
    reviews: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    if rows:
        for r in conn.execute(BASELINE_REVIEWS_SQL, (list({row[15] for row in rows}),)):
            reviews[r[1]].append(r)
    results = []
    for (aid, kind, tag, quote, start, end, prefix, suffix, claimant, note, evidence, rationale,
         created, updated, based_on, article_id, title, url, source, published_at, status,
         username, slug, name, ordinal, rateable) in rows:  # fmt: skip
        verdict = {"slug": slug, "name": name, "ordinal": ordinal, "is_rateable": rateable}
        mine = [r for r in reviews[article_id] if (r[2] < end and start < r[3]) or r[0] == based_on]
        final = kind == "final"
        results.append(
            {
                "id": aid,
                "kind": kind,
                "published": final and status == "published",
                "deleted": False,
                "article": {
                    "id": article_id,
                    "title": title,
                    "url": url,
                    "source": source,
                    "published_at": _iso(published_at),
                    "status": status,
                },
                "tag": tag,
                "quote": quote,
                "start": start,
                "end": end,
                "prefix": prefix,
                "suffix": suffix,
                "claimant": claimant,
                "verdict": verdict,
                "final_verdict": {
                    "id": aid,
                    "verdict": verdict,
                    "adjudicator": username,
                    "rationale": rationale,
                    "updated_at": _iso(updated),
                }
                if final
                else None,
                "reviewer_verdicts": [
                    {
                        "id": r[0],
                        "reviewer": r[7],
                        "verdict": {
                            "slug": r[8],
                            "name": r[9],
                            "ordinal": r[10],
                            "is_rateable": r[11],
                        },
                        "quote": r[4],
                        "start": r[2],
                        "end": r[3],
                        "claimant": r[5],
                        "state": r[6],
                    }
                    for r in mine
                ],
                "supersedes": [r[0] for r in mine] if final else [],
                "note": note,
                "evidence_urls": evidence,
                "url": f"{public_url}/verdicts/{aid}/",
                "created_at": _iso(created),
                "updated_at": _iso(updated),
            }
        )
    next_url = f"/api/verdicts/?cursor=…&page_size={PAGE}" if has_next else None
    return json.dumps({"next": next_url, "results": results}).encode()


def measure(calls: dict[str, Any], positions: list[int], rounds: int = 10) -> dict[str, Any]:
    """Time each call over the same positions, interleaved in rounds so that load from
    other processes on the machine falls on both sides alike."""
    for call in calls.values():
        for position in positions[:WARMUP]:
            call(position)
    times: dict[str, list[float]] = {name: [] for name in calls}
    chunk = max(1, len(positions) // rounds)
    for r in range(0, len(positions), chunk):
        for name, call in calls.items():
            for position in positions[r : r + chunk]:
                t0 = time.perf_counter()
                call(position)
                times[name].append(time.perf_counter() - t0)
    figures = {}
    for name, values in times.items():
        values.sort()
        figures[name] = {
            "rps": len(values) / sum(values),
            "p50": statistics.median(values) * 1000,
            "p95": values[int(len(values) * 0.95) - 1] * 1000,
        }
        f = figures[name]
        print(f"{name:<46} {f['rps']:8.1f} req/s   p50 {f['p50']:6.2f} ms   p95 {f['p95']:6.2f} ms")
    return figures


def main() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    ensure_database(url)

    import django

    django.setup()
    import psycopg
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from annotations.api.pagination import _encode
    from annotations.models import Annotation
    from annotations.services.tokens import create_token

    call_command("migrate", verbosity=0)
    fill()
    total = Annotation.objects.count()
    judge = get_user_model().objects.get(username="bench-adjudicator")
    _, key = create_token(user=judge, name="bench", scope="read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    ids = list(Annotation.objects.order_by("id").values_list("id", flat=True)[:: PAGE // 2])
    rng = random.Random(1)
    positions = [rng.choice(ids[:-10]) for _ in range(REQUESTS)]

    def api(after_id: int) -> bytes:
        response = client.get(f"/api/verdicts/?page_size={PAGE}&cursor={_encode([after_id])}")
        assert response.status_code == 200, response.content[:300]
        return response.content

    conn = psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)

    def baseline(after_id: int) -> bytes:
        return baseline_page(conn, after_id, settings.FACTCHECK_PUBLIC_URL)

    # Same rows on both sides (checked once, not timed).
    sample = positions[0]
    api_rows = json.loads(api(sample))["results"]
    base_rows = json.loads(baseline(sample))["results"]
    assert [r["id"] for r in api_rows] == [r["id"] for r in base_rows]
    assert len(api_rows) == PAGE
    assert api_rows[0]["reviewer_verdicts"] == base_rows[0]["reviewer_verdicts"]

    print(
        f"PostgreSQL, {total:,} annotations, page of {PAGE} verdicts, {REQUESTS} requests "
        f"at random cursor positions"
    )
    figures = measure(
        {
            "API GET /api/verdicts/ (Django test Client)": api,
            "baseline psycopg + json.dumps": baseline,
        },
        positions,
    )
    api_fig, base_fig = figures.values()
    ratio = api_fig["rps"] / base_fig["rps"]
    print(f"ratio (API / baseline throughput): {ratio:.2f}  (goal >= 0.5)")


if __name__ == "__main__":
    main()
