"""Assignment, adjudication, finals, publication and history over the API: roles × endpoints."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from annotations.models import Annotation, ArticleStatus, Assignment, AuditEvent
from tests.adjudication_helpers import span, two_reviews
from tests.factories import make_article


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def reviews(article, alice, bob):
    return two_reviews(article, alice, bob)


def test_bulk_assign_with_overlap_is_admin_only(admin_user, alice, bob, carol):
    articles = [make_article() for _ in range(3)]
    body = {
        "articles": [a.pk for a in articles],
        "reviewers": [alice.pk, bob.pk],
        "overlap": 2,
        "strategy": "random",
        "seed": 7,
    }
    for user in (alice, carol):
        response = client_for(user).post("/api/assignments/", body, format="json")
        assert response.status_code == 403, response.content
    response = client_for(admin_user).post("/api/assignments/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()["created"]
    assert len(created) == 6
    assert {(row["article"], row["reviewer"]) for row in created} == {
        (a.pk, name) for a in articles for name in ("alice", "bob")
    }
    mine = client_for(alice).get("/api/assignments/").json()["results"]
    assert {row["reviewer"] for row in mine} == {"alice"} and len(mine) == 3
    everyone = client_for(carol).get(f"/api/assignments/?article={articles[0].pk}").json()
    assert len(everyone["results"]) == 2


def test_bad_assign_bodies_are_400_problems(admin_user, alice):
    article = make_article()
    api = client_for(admin_user)
    too_many = {"articles": [article.pk], "reviewers": [alice.pk], "overlap": 2}
    response = api.post("/api/assignments/", too_many, format="json")
    assert response.status_code == 400 and "overlap" in response.json()["detail"]
    response = api.post(
        "/api/assignments/", {"articles": [], "reviewers": [1], "overlap": 1}, format="json"
    )
    assert response.status_code == 400 and "articles" in response.json()["errors"]
    response = api.get("/api/assignments/?active=maybe")
    assert response.status_code == 400 and "active" in response.json()["errors"]


def test_unassign_and_reassign(admin_user, alice, bob):
    article = make_article()
    api = client_for(admin_user)
    body = {"articles": [article.pk], "reviewers": [alice.pk], "overlap": 1}
    (row,) = api.post("/api/assignments/", body, format="json").json()["created"]
    moved = api.post(f"/api/assignments/{row['id']}/reassign/", {"reviewer": bob.pk}, format="json")
    assert moved.status_code == 201 and moved.json()["reviewer"] == "bob"
    assert not Assignment.objects.get(pk=row["id"]).active
    gone = api.post(f"/api/assignments/{moved.json()['id']}/unassign/")
    assert gone.status_code == 200 and gone.json()["active"] is False
    denied = client_for(alice).post(f"/api/assignments/{row['id']}/unassign/")
    assert denied.status_code == 403


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("carol", 200), ("admin_user", 200), ("alice", 403), ("charlie", 404), (None, 401)],
)
def test_adjudication_view_by_role(request, article, reviews, persona, expected):
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).get(f"/api/articles/{article.pk}/adjudication/")
    if persona == "charlie":
        # An account without a role sees no article (404), or is refused outright (403)
        # where the API's permission matrix stops role-less accounts before any lookup.
        assert response.status_code in (403, 404)
        return
    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()
        assert body["reviewers"] == ["alice", "bob"] and body["open_items"] == 4
        assert [i["status"] for i in body["items"]] == ["conflict"] * 3 + ["agreed"]
        assert body["items"][0]["conflicts"] == ["boundaries", "tag"]


@pytest.mark.parametrize("persona", ["alice", "charlie"])
@pytest.mark.parametrize(
    "path",
    ["adjudication/accept-agreed/", "publish/", "mark-adjudicated/", "unpublish/"],
)
def test_non_adjudicators_cannot_take_steps(request, article, reviews, persona, path):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(f"/api/articles/{article.pk}/{path}", {}, format="json")
    assert response.status_code in (403, 404)
    if persona == "alice":
        assert response.status_code == 403
    assert not Annotation.objects.finals().exists()


def test_finals_accept_edit_write_publish_and_unpublish(article, reviews, carol, alice):
    api = client_for(carol)
    agreed = api.post(f"/api/articles/{article.pk}/adjudication/accept-agreed/")
    assert agreed.status_code == 201 and len(agreed.json()["created"]) == 1
    accepted = api.post(
        "/api/finals/",
        {"article": article.pk, "based_on": reviews["a_wounded"].pk, "rationale": "ok"},
        format="json",
    )
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["based_on"] == reviews["a_wounded"].pk
    assert accepted.json()["verdict"] == "half-true"
    b = reviews["b_denied"]
    edited = api.post(
        "/api/finals/",
        {"article": article.pk, "based_on": b.pk, "start": b.start, "end": b.end,
         "quote": b.quote, "tag": "denial", "verdict": "false", "rationale": "a denial"},
        format="json",
    )  # fmt: skip
    assert edited.status_code == 201 and edited.json()["tag"] == "denial"
    url = f"/api/finals/{edited.json()['id']}/"
    stale = api.patch(url, {"claimant": "Moscow"}, format="json", HTTP_IF_MATCH='"9"')
    assert stale.status_code == 412
    ok = api.patch(url, {"claimant": "Moscow"}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    early = api.post(f"/api/articles/{article.pk}/publish/")
    assert early.status_code == 409 and "1 item" in early.json()["detail"]
    view = api.get(f"/api/articles/{article.pk}/adjudication/").json()
    (open_item,) = [i for i in view["items"] if not i["resolved"]]
    dismissed = api.post(
        f"/api/articles/{article.pk}/adjudication/dismiss/",
        {"item": open_item["key"], "rationale": "a quote"},
        format="json",
    )
    assert dismissed.status_code == 200 and dismissed.json()["open_items"] == 0
    published = api.post(f"/api/articles/{article.pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    frozen = api.delete(url)
    assert frozen.status_code == 409
    listed = client_for(alice).get(f"/api/finals/?article={article.pk}").json()["results"]
    assert len(listed) == 3 and {row["reviewer"] for row in listed} == {"carol"}
    no_reason = api.post(f"/api/articles/{article.pk}/unpublish/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    back = api.post(f"/api/articles/{article.pk}/unpublish/", {"reason": "appeal"}, format="json")
    assert back.status_code == 200 and back.json()["status"] == ArticleStatus.ADJUDICATED


def test_reviewer_cannot_write_finals(article, reviews, alice):
    body = {"article": article.pk, "based_on": reviews["a_wounded"].pk}
    response = client_for(alice).post("/api/finals/", body, format="json")
    assert response.status_code == 403
    missing = client_for(alice).post("/api/finals/", {"article": article.pk}, format="json")
    assert missing.status_code == 403


def test_write_new_final_needs_the_span(article, reviews, carol):
    response = client_for(carol).post(
        "/api/finals/", {"article": article.pk, "tag": "claim"}, format="json"
    )
    assert response.status_code == 400
    assert {"start", "end", "quote"} <= set(response.json()["errors"])


def test_history_endpoint_is_scoped_and_paged(article, alice, bob, carol, charlie):
    mine = span(alice, article, "Moscow denied", "denial")
    theirs = span(bob, article, "Analysts estimate", "claim")
    full = client_for(carol).get(f"/api/history/?article={article.pk}&page_size=1").json()
    assert len(full["results"]) == 1 and full["next"]
    assert full["results"][0]["action"] == "annotation.create"
    assert full["results"][0]["changes"][0]["field"] == "start"
    alices = client_for(alice).get(f"/api/history/?article={article.pk}").json()["results"]
    assert [row["object_id"] for row in alices] == [mine.pk]
    hidden = client_for(alice).get(f"/api/history/?annotation={theirs.pk}").json()
    assert hidden["results"] == []
    outsider = client_for(charlie).get("/api/history/")
    assert outsider.status_code == 403 or outsider.json()["results"] == []
    bad = client_for(carol).get("/api/history/?article=abc")
    assert bad.status_code == 400
    assert AuditEvent.objects.count() == 2
