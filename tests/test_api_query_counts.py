"""Every list endpoint runs the same number of SQL queries for 5 rows as for 50."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import (
    AgreementReport,
    Annotation,
    ApiToken,
    ImportJob,
    VerdictLabel,
    VerdictScale,
)
from tests.api_helpers import fast_passwords, make_final, session_client  # noqa: F401
from tests.factories import make_article

LIST_URLS = [
    "/api/articles/",
    "/api/articles/?updated_since=2000-01-01T00:00:00Z",
    "/api/annotations/",
    "/api/annotations/?updated_since=2000-01-01T00:00:00Z",
    "/api/verdicts/",
    "/api/verdicts/?updated_since=2000-01-01T00:00:00Z",
    "/api/verdict-scales/",
    "/api/import-jobs/",
    "/api/tokens/",
]


@pytest.fixture
def many(alice, bob, carol, admin_user):
    """Over 50 rows behind every list endpoint, with several reviewers per article."""
    for n in range(60):
        scale = VerdictScale.objects.create(slug=f"s{n}", name=f"Scale {n}")
        VerdictLabel.objects.create(scale=scale, slug="yes", name="Yes", ordinal=1)
        VerdictLabel.objects.create(scale=scale, slug="no", name="No", ordinal=0)
    false = VerdictLabel.objects.get(scale__slug="truth-o-meter", slug="false")
    rows = []
    articles = [make_article() for _ in range(60)]
    for n, article in enumerate(articles[:20]):
        for reviewer in (alice, bob):
            for start in (0, 20, 40):
                rows.append(
                    Annotation(
                        article=article,
                        reviewer=reviewer,
                        start=start,
                        end=start + 10,
                        quote=article.text[start : start + 10],
                        tag="claim",
                        verdict=false,
                    )
                )
        if n % 2:
            make_final(article, carol, 0, 10, verdict=false)
    Annotation.objects.bulk_create(rows)
    ImportJob.objects.bulk_create(
        [ImportJob(kind="upload", created_by=admin_user) for _ in range(60)]
    )
    ApiToken.objects.bulk_create(
        [
            ApiToken(user=admin_user, name=f"t{n}", prefix="fck_x", key_hash=f"{n:064d}")
            for n in range(60)
        ]
    )
    AgreementReport.objects.all().delete()


@pytest.mark.parametrize("url", LIST_URLS)
def test_query_count_does_not_grow_with_page_size(many, admin_user, url):
    client = session_client(admin_user)
    sep = "&" if "?" in url else "?"
    client.get(f"{url}{sep}page_size=1")  # warm up session and caches
    counts = {}
    for size in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{url}{sep}page_size={size}")
        assert response.status_code == 200, response.content
        assert len(response.json()["results"]) == size
        counts[size] = len(ctx.captured_queries)
    assert counts[5] == counts[50], counts


def test_verdict_page_of_100_uses_a_handful_of_queries(many, carol):
    client = session_client(carol)
    client.get("/api/verdicts/?page_size=1")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/verdicts/?page_size=100")
    rows = response.json()["results"]
    assert len(rows) == 100
    assert all(row["reviewer_verdicts"] for row in rows)
    # session + user + groups + the page + the reviewers' verdicts of the page
    assert len(ctx.captured_queries) <= 6, [q["sql"] for q in ctx.captured_queries]


def _heavy_article_columns(queries: list[dict]) -> list[str]:
    """Queries that select an article's raw input, signature or removed lines, or its
    whole text (the text may only be cut by LENGTH/SUBSTR in the database)."""
    out = []
    for q in queries:
        sql = q["sql"]
        bare = re.sub(r'(LENGTH|SUBSTR|SUBSTRING)\("annotations_article"\."text"', "", sql)
        if any(
            f'"annotations_article"."{col}"' in bare
            for col in ("text", "raw", "minhash", "removed_lines")
        ):
            out.append(sql)
    return out


@pytest.mark.parametrize("auth", ["token", "session"])
def test_span_post_and_patch_read_the_article_once_without_its_text(
    alice, article, auth, django_assert_max_num_queries
):
    from tests.api_helpers import token_client

    client = token_client(alice) if auth == "token" else session_client(alice)
    text = article.text

    def body(start: int, end: int) -> dict:
        return {"start": start, "end": end, "quote": text[start:end], "tag": "claim"}

    # The first span also starts the reviewer's assignment; the steady state is measured.
    first = client.post("/api/annotations/", {"article": article.pk, **body(0, 5)}, format="json")
    assert first.status_code == 201, first.content

    # auth (token, or session + user) + groups, the article (locked, visible, light
    # columns and the span's window of text), the verdict label, the assignment, the
    # insert and its audit event, and the savepoint pair of the service's transaction.
    with CaptureQueriesContext(connection) as ctx:
        with django_assert_max_num_queries(8 if auth == "token" else 10):
            created = client.post(
                "/api/annotations/",
                {"article": article.pk, **body(6, 11), "verdict": "false"},
                format="json",
            )
    assert created.status_code == 201, created.content
    assert created.json()["quote"] == text[6:11]
    assert created.json()["prefix"] == text[:6] and created.json()["suffix"] == text[11:43]
    assert sum('FROM "annotations_article"' in q["sql"] for q in ctx.captured_queries) == 1
    assert _heavy_article_columns(ctx.captured_queries) == []

    url = f"/api/annotations/{created.json()['id']}/"
    # auth + groups, the annotation with its article (locked, visible, window), the
    # assignment, the update and its audit event, the savepoint pair.
    with CaptureQueriesContext(connection) as ctx:
        with django_assert_max_num_queries(7 if auth == "token" else 9):
            changed = client.patch(url, body(12, 17), format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200, changed.content
    data = changed.json()
    assert (data["start"], data["quote"], data["version"]) == (12, text[12:17], 2)
    assert data["reviewer"] == "alice" and data["verdict"] == "false"
    assert _heavy_article_columns(ctx.captured_queries) == []
    assert Annotation.objects.get(pk=data["id"]).suffix == text[17:49]
