"""Agreement over the REST API: scoped like the reviews (blind review), undefined figures as
null with a reason, definitions in the OpenAPI schema, recompute only enqueues."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from annotations import tasks
from annotations.services import agreement
from tests.agreement_data import review
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

SPANS_A = [(0, 20, "claim", "false"), (40, 60, "denial", "true")]
SPANS_B = [(0, 20, "claim", "false"), (42, 60, "denial", "mostly-true")]


@pytest.fixture
def two_articles(alice, bob):
    shared = make_article(source="Wire A")
    review(shared, alice, SPANS_A)
    review(shared, bob, SPANS_B)
    bobs = make_article(source="Wire B")
    review(bobs, bob, SPANS_B)
    review(bobs, make_user("dora", "reviewer"), SPANS_A)
    review(bobs, alice, SPANS_A, submit=False)  # alice has not submitted this one
    agreement.compute_corpus_agreement()
    return shared, bobs


def test_adjudicator_reads_an_article_report(client, carol, two_articles):
    shared, _ = two_articles
    client.force_login(carol)
    body = client.get(f"/api/agreement/articles/{shared.pk}/").json()
    assert body["article"] == shared.pk
    assert body["headline"] == 1.0
    assert body["inputs"]["reviewers"] == ["alice", "bob"]
    assert body["report"]["spans"]["mean_over_pairs"]["exact"]["f1"]["value"] == 0.5
    assert "stats" not in body


def test_reviewer_sees_only_articles_they_submitted(client, alice, two_articles):
    shared, bobs = two_articles
    client.force_login(alice)
    assert client.get(f"/api/agreement/articles/{shared.pk}/").status_code == 200
    hidden = client.get(f"/api/agreement/articles/{bobs.pk}/")
    assert hidden.status_code == 404
    assert hidden["Content-Type"] == "application/problem+json"
    listed = client.get("/api/agreement/articles/").json()
    assert [r["article"] for r in listed["results"]] == [shared.pk]


def test_reviewer_gets_no_corpus_report(client, alice, two_articles):
    client.force_login(alice)
    assert client.get("/api/agreement/corpus/").status_code == 404
    assert client.post("/api/agreement/corpus/recompute/").status_code == 403


def test_not_computed_yet_is_a_404_problem(client, carol, article):
    client.force_login(carol)
    response = client.get(f"/api/agreement/articles/{article.pk}/")
    assert response.status_code == 404
    assert "not been computed yet" in response.json()["detail"]
    assert client.get("/api/agreement/articles/999999/").status_code == 404
    assert client.get("/api/agreement/corpus/").status_code == 404


def test_list_is_cursor_paginated_and_filtered(client, carol, two_articles):
    shared, bobs = two_articles
    client.force_login(carol)
    page = client.get("/api/agreement/articles/", {"page_size": 1}).json()
    assert [r["article"] for r in page["results"]] == [shared.pk]
    assert page["results"][0]["reviewers"] == ["alice", "bob"]
    assert page["results"][0]["n_spans"] == 4
    nxt = client.get(page["next"]).json()
    assert [r["article"] for r in nxt["results"]] == [bobs.pk]
    only_b = client.get("/api/agreement/articles/", {"source": "Wire B"}).json()
    assert [r["article"] for r in only_b["results"]] == [bobs.pk]
    assert client.get("/api/agreement/articles/", {"import_job": "x"}).status_code == 400
    none = client.get("/api/agreement/articles/", {"import_job": "none"}).json()
    assert len(none["results"]) == 2


def test_corpus_report_and_history(client, carol, two_articles):
    agreement.compute_corpus_agreement()
    client.force_login(carol)
    body = client.get("/api/agreement/corpus/").json()
    assert body["report"]["overall"]["n_articles"] == 2
    assert set(body["report"]["by_source"]) == {"Wire A", "Wire B"}
    assert body["report"]["overall"]["spans"]["by_tag"].keys() == {"claim", "denial"}
    history = client.get("/api/agreement/corpus/", {"history": "1"}).json()["results"]
    assert len(history) == 2
    assert history[0]["computed_at"] <= history[1]["computed_at"]
    assert "alpha_nominal" in history[-1]["verdicts"]
    assert "value" in history[-1]["unitizing"]


def test_recompute_is_202_and_enqueues(client, admin_user, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.compute_corpus_agreement, "delay", lambda **kw: sent.append(kw))
    client.force_login(admin_user)
    response = client.post("/api/agreement/corpus/recompute/")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert sent == [{"force": True}]


@pytest.mark.parametrize("second", [None, "identical", "empty"])
def test_edge_cases_are_null_with_reason_never_nan(client, carol, alice, bob, second):
    art = make_article()
    review(art, alice, [(0, 20, "claim", "false")] if second != "empty" else [])
    if second == "identical":
        review(art, bob, [(0, 20, "claim", "false")])
    elif second == "empty":
        review(art, bob, [])
    agreement.compute_article_agreement(article_id=art.pk)
    client.force_login(carol)
    response = client.get(f"/api/agreement/articles/{art.pk}/")
    text = response.content.decode()
    json.dumps(json.loads(text), allow_nan=False)
    assert "NaN" not in text
    alpha = response.json()["report"]["verdicts"]["alpha_nominal"]
    assert alpha["value"] is None and alpha["undefined_reason"]


def test_openapi_schema_documents_the_metrics():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    article = paths["/api/agreement/articles/{id}/"]["get"]["description"]
    corpus = paths["/api/agreement/corpus/"]["get"]["description"]
    for text in (article, corpus):
        assert "Krippendorff" in text
        assert "undefined_reason" in text
        assert "Unitizing alpha" in text
        assert "Fleiss' kappa" in text
    assert "/api/agreement/corpus/recompute/" in paths
    assert "/api/agreement/articles/" in paths
