"""Cursor pagination and incremental sync with updated_since (tombstones included)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from annotations.models import Annotation, VerdictLabel
from tests.api_helpers import fast_passwords, make_final, results, token_client  # noqa: F401
from tests.factories import make_annotation, make_article


def _page_all(client, url):
    seen = []
    while url:
        body = client.get(url).json()
        seen.extend(body["results"])
        url = body["next"]
    return seen


def test_cursor_pages_cover_every_row_once(carol, alice):
    article = make_article()
    made = [make_annotation(article, alice, i, i + 3) for i in range(0, 70, 5)]
    client = token_client(carol, scope="read")
    first = client.get("/api/annotations/?page_size=4").json()
    assert len(first["results"]) == 4 and "cursor=" in first["next"]
    rows = _page_all(client, "/api/annotations/?page_size=4")
    assert [r["id"] for r in rows] == [a.pk for a in made]


def test_cursor_is_stable_when_rows_are_added_meanwhile(carol, alice):
    article = make_article()
    made = [make_annotation(article, alice, i, i + 3) for i in range(0, 30, 5)]
    client = token_client(carol, scope="read")
    first = client.get("/api/annotations/?page_size=3").json()
    make_annotation(article, alice, 40, 44)  # a new row appears before the client goes on
    rest = _page_all(client, first["next"])
    ids = [r["id"] for r in first["results"] + rest]
    assert ids[:6] == [a.pk for a in made] and len(ids) == len(set(ids)) == 7


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01T00:00:00Z", "1"])
def test_bad_updated_since_is_400_naming_the_parameter(carol, bad):
    response = token_client(carol, scope="read").get(f"/api/annotations/?updated_since={bad}")
    assert response.status_code == 400
    assert "updated_since" in response.json()["errors"]


@pytest.mark.parametrize("bad", ["garbage", "WzEsMl0", "%00"])
def test_bad_cursor_is_400(carol, bad):
    response = token_client(carol, scope="read").get(f"/api/annotations/?cursor={bad}")
    assert response.status_code == 400 and "cursor" in response.json()["errors"]


def test_sync_loop_sees_changes_and_deletions(alice, carol):
    article = make_article()
    kept = make_annotation(article, alice, 0, 5)
    gone = make_annotation(article, alice, 6, 11)
    client = token_client(carol, scope="read")
    mirror = {r["id"]: r for r in _page_all(client, "/api/annotations/")}
    since = max(r["updated_at"] for r in mirror.values())

    later = timezone.now() + dt.timedelta(seconds=1)
    Annotation.objects.filter(pk=kept.pk).update(note="edited", updated_at=later)
    Annotation.objects.filter(pk=gone.pk).update(deleted_at=later, updated_at=later)
    new = make_annotation(article, alice, 20, 25)
    Annotation.objects.filter(pk=new.pk).update(updated_at=later + dt.timedelta(seconds=1))

    changes = _page_all(client, f"/api/annotations/?updated_since={since}&page_size=1")
    assert [c["id"] for c in changes] == [kept.pk, gone.pk, new.pk]  # (updated_at, id) order
    assert changes[1] == {
        "id": gone.pk,
        "deleted": True,
        "updated_at": later.isoformat().replace("+00:00", "Z"),
        "version": 1,
    }
    for change in changes:
        if change.get("deleted"):
            mirror.pop(change["id"], None)
        else:
            mirror[change["id"]] = change
    assert set(mirror) == {kept.pk, new.pk} and mirror[kept.pk]["note"] == "edited"
    # Without updated_since, deleted rows are not listed.
    assert gone.pk not in {r["id"] for r in _page_all(client, "/api/annotations/")}


def test_verdict_sync_reports_superseded_reviews(article, alice, carol):
    false = VerdictLabel.objects.get(scale=article.verdict_scale, slug="false")
    review = make_annotation(article, alice, 0, 5, verdict=false)
    client = token_client(carol, scope="read")
    before = results(client.get("/api/verdicts/"))
    assert [r["id"] for r in before] == [review.pk]
    since = before[0]["updated_at"]
    final = make_final(article, carol, 0, 5, verdict=false)
    Annotation.objects.filter(pk=review.pk).update(updated_at=timezone.now())
    rows = results(client.get(f"/api/verdicts/?updated_since={since}"))
    by_id = {r["id"]: r for r in rows}
    assert by_id[review.pk]["deleted"] is True and by_id[review.pk]["reason"] == "superseded"
    assert by_id[final.pk]["supersedes"] == [review.pk]
    assert [r["id"] for r in results(client.get("/api/verdicts/"))] == [final.pk]


def test_updated_since_with_an_unencoded_plus_still_works(alice, carol):
    article = make_article()
    make_annotation(article, alice, 0, 5)
    client = token_client(carol, scope="read")
    # "+00:00" sent without URL-encoding arrives as " 00:00".
    response = client.get("/api/annotations/?updated_since=2000-01-01T00:00:00+00:00")
    assert len(results(response)) == 1
