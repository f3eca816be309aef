"""One permission matrix for the whole API, tested as a table.

anonymous → 401; no role → 403; reviewer → own annotations, others' only where blind review
allows; adjudicator/admin → all; a read-only token → 403 on writes. What one may not see
is 404, never 403.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from annotations.models import VerdictLabel
from tests.api_helpers import fast_passwords, make_final, session_client, token_client  # noqa: F401
from tests.factories import make_annotation


@pytest.fixture
def world(article, alice, bob, carol, admin_user, charlie):
    label = VerdictLabel.objects.get(scale=article.verdict_scale, slug="false")
    return {
        "article": article,
        "own": make_annotation(article, alice, 0, 5, verdict=label),  # alice's
        "other": make_annotation(article, bob, 6, 11, verdict=label),  # bob's
        "final": make_final(article, carol, 0, 5, verdict=label),  # not published
    }


def _client(who, users):
    if who == "anonymous":
        return APIClient()
    if who.endswith("-read-token"):
        return token_client(users[who.removesuffix("-read-token")], scope="read")
    if who.endswith("-token"):
        return token_client(users[who.removesuffix("-token")], scope="write")
    return session_client(users[who])


# (who, method, path, expected status). {own}/{other}/{final}/{article} are filled in.
MATRIX = [
    # Anonymous: 401 everywhere, with a WWW-Authenticate challenge.
    ("anonymous", "get", "/api/articles/", 401),
    ("anonymous", "get", "/api/annotations/", 401),
    ("anonymous", "get", "/api/annotations/{own}/", 401),
    ("anonymous", "post", "/api/annotations/", 401),
    ("anonymous", "get", "/api/verdicts/", 401),
    ("anonymous", "get", "/api/exports/annotations.jsonl", 401),
    ("anonymous", "get", "/api/import-jobs/", 401),
    ("anonymous", "get", "/api/tokens/", 401),
    # Signed in without a role: 403.
    ("charlie", "get", "/api/annotations/", 403),
    ("charlie", "get", "/api/verdicts/", 403),
    ("charlie", "get", "/api/articles/{article}/", 403),
    # Reviewer: own yes; another reviewer's and the unpublished final are invisible (404).
    ("alice", "get", "/api/annotations/{own}/", 200),
    ("alice", "get", "/api/annotations/{other}/", 404),
    ("alice", "get", "/api/annotations/{final}/", 404),
    ("alice", "patch", "/api/annotations/{own}/", 200),
    ("alice", "patch", "/api/annotations/{other}/", 404),
    ("alice", "delete", "/api/annotations/{other}/", 404),
    ("alice", "get", "/api/verdicts/{other}/", 404),
    ("alice", "get", "/api/verdicts/{final}/", 404),
    ("alice", "get", "/api/articles/{article}/", 200),
    ("alice", "post", "/api/import-jobs/", 403),
    # Adjudicator and admin: read everything; change only their own work.
    ("carol", "get", "/api/annotations/{other}/", 200),
    ("carol", "get", "/api/annotations/{final}/", 200),
    ("carol", "get", "/api/verdicts/{final}/", 200),
    ("carol", "patch", "/api/annotations/{other}/", 403),
    ("carol", "post", "/api/import-jobs/", 403),
    ("ada", "get", "/api/annotations/{other}/", 200),
    ("ada", "get", "/api/verdicts/{final}/", 200),
    # Tokens: read-only tokens read but never write; write tokens write.
    ("alice-read-token", "get", "/api/annotations/{own}/", 200),
    ("alice-read-token", "patch", "/api/annotations/{own}/", 403),
    ("alice-read-token", "post", "/api/annotations/", 403),
    ("alice-read-token", "delete", "/api/annotations/{own}/", 403),
    ("alice-read-token", "get", "/api/annotations/{other}/", 404),
    ("alice-token", "patch", "/api/annotations/{own}/", 200),
    ("carol-read-token", "get", "/api/verdicts/{final}/", 200),
    # Token management needs the browser session, never a token.
    ("alice-token", "get", "/api/tokens/", 403),
    ("alice", "get", "/api/tokens/", 200),
]


@pytest.mark.parametrize(("who", "method", "path", "expected"), MATRIX)
def test_permission_matrix(
    world, alice, bob, carol, admin_user, charlie, who, method, path, expected
):
    users = {"alice": alice, "bob": bob, "carol": carol, "ada": admin_user, "charlie": charlie}
    client = _client(who, users)
    url = path.format(
        own=world["own"].pk,
        other=world["other"].pk,
        final=world["final"].pk,
        article=world["article"].pk,
    )
    body = {"note": "checked"} if method == "patch" else None
    if method == "post" and "annotations" in url:
        body = {
            "article": world["article"].pk,
            "start": 0,
            "end": 5,
            "quote": "North",
            "tag": "claim",
        }
    if method == "post" and "import-jobs" in url:
        body = {"urls": ["https://example.org/a"]}
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == expected, (who, method, url, response.content)
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == expected
    if expected == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_reviewer_sees_others_after_submitting(world, alice):
    from annotations.services.annotating import submit_article

    client = session_client(alice)
    assert client.get(f"/api/annotations/{world['other'].pk}/").status_code == 404
    submit_article(user=alice, article=world["article"])
    assert client.get(f"/api/annotations/{world['other'].pk}/").status_code == 200
    ids = {row["id"] for row in client.get("/api/annotations/").json()["results"]}
    assert ids == {world["own"].pk, world["other"].pk, world["final"].pk}


def test_reviewer_sees_others_when_blind_review_is_off(world, alice, settings):
    settings.FACTCHECK_BLIND_REVIEW = False
    client = session_client(alice)
    assert client.get(f"/api/annotations/{world['other'].pk}/").status_code == 200
    assert client.get(f"/api/annotations/{world['final'].pk}/").status_code == 404


def test_lists_hold_only_what_one_may_see(world, alice, carol):
    alice_ids = {r["id"] for r in session_client(alice).get("/api/annotations/").json()["results"]}
    carol_ids = {r["id"] for r in session_client(carol).get("/api/annotations/").json()["results"]}
    assert alice_ids == {world["own"].pk}
    assert carol_ids == {world["own"].pk, world["other"].pk, world["final"].pk}
    alice_verdicts = session_client(alice).get("/api/verdicts/").json()["results"]
    assert [v["id"] for v in alice_verdicts] == [world["own"].pk]
    assert [r["reviewer"] for r in alice_verdicts[0]["reviewer_verdicts"]] == ["alice"]
