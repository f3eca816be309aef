"""The claims API: groups, appearances, conflicts, similar search, one verdict per group."""

from __future__ import annotations

import pytest

from annotations.models import AuditEvent
from claims.models import Claim, ClaimAppearance, FigureConflict
from tests.api_helpers import fast_passwords, results, session_client, token_client  # noqa: F401
from tests.claims_seeds import import_seeds_and_match

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _lexical_only(settings):
    settings.CLAIMS_EMBEDDINGS = "off"


@pytest.fixture
def seeded(db):
    return import_seeds_and_match()


def _counts_claim() -> Claim:
    return ClaimAppearance.objects.get(quote__contains="roughly 11,000 troops").claim


def test_claim_groups_spanning_articles_are_listed(seeded, alice):
    rows = results(token_client(alice).get("/api/claims/?multi=1"))
    assert len(rows) >= 3
    assert all(r["article_count"] >= 2 for r in rows)
    assert _counts_claim().pk in {r["id"] for r in rows}


def test_claim_detail_lists_every_appearance_with_its_source(seeded, alice):
    claim = _counts_claim()
    body = token_client(alice).get(f"/api/claims/{claim.pk}/").json()
    assert len(body["appearances"]) == claim.appearances.count() >= 2
    first = body["appearances"][0]
    assert {"article", "outlet", "claimant", "date", "stance", "quote"} <= set(first)
    assert any(c["kind"] == "figures" for c in body["conflicts"])


def test_open_conflicts_include_the_troop_figures(seeded, carol):
    rows = results(token_client(carol).get("/api/claims/conflicts/?status=open"))
    figures = " ".join(r["first_figure"] + " " + r["second_figure"] for r in rows)
    assert "11,000" in figures and "12,000" in figures
    one = next(r for r in rows if "11,000" in r["first_figure"] + r["second_figure"])
    assert one["first"]["quote"] and one["second"]["quote"]  # both sources shown


def test_adjudicator_resolves_a_conflict_with_a_reason(seeded, carol, alice):
    conflict = FigureConflict.objects.first()
    url = f"/api/claims/conflicts/{conflict.pk}/resolve/"
    assert token_client(alice).post(url, {"resolution": "x"}, format="json").status_code == 403
    assert token_client(carol).post(url, {}, format="json").status_code == 400
    response = token_client(carol).post(url, {"resolution": "Different dates"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "resolved"


def test_one_verdict_for_the_group_and_its_claimreview_lists_every_appearance(seeded, carol):
    claim = _counts_claim()
    client = token_client(carol)
    assert client.get(f"/api/claims/{claim.pk}/claimreview/").status_code == 400
    response = client.post(
        f"/api/claims/{claim.pk}/verdict/",
        {"verdict": "half-true", "rationale": "Estimates differ by source."},
        format="json",
    )
    assert response.status_code == 200, response.content
    review = client.get(f"/api/claims/{claim.pk}/claimreview/").json()
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"]["alternateName"] == "Half true"
    appearances = review["itemReviewed"]["appearance"]
    articles = set(claim.appearances.values_list("article_id", flat=True))
    assert len(appearances) == len(articles) >= 2
    assert all(a["@type"] == "CreativeWork" and a.get("headline") for a in appearances)
    assert AuditEvent.objects.filter(action="claim.publish", object_id=claim.pk).exists()


def test_reviewers_cannot_publish_and_bad_verdicts_are_explained(seeded, alice, carol):
    claim = _counts_claim()
    url = f"/api/claims/{claim.pk}/verdict/"
    assert token_client(alice).post(url, {"verdict": "true"}, format="json").status_code == 403
    response = token_client(carol).post(url, {"verdict": "nonsense"}, format="json")
    assert response.status_code == 400 and "must be one of" in response.content.decode()


def test_merge_and_split_groups(seeded, alice):
    client = token_client(alice)
    counts = _counts_claim()
    chinese = ClaimAppearance.objects.get(quote__contains="captured two Chinese nationals").claim
    n = counts.appearances.count() + chinese.appearances.count()
    response = client.post(f"/api/claims/{counts.pk}/merge/", {"other": chinese.pk}, format="json")
    assert response.status_code == 200
    chinese.refresh_from_db()
    assert chinese.merged_into_id == counts.pk and counts.appearances.count() == n
    moving = list(counts.appearances.filter(quote__contains="Chinese").values_list("pk", flat=True))
    response = client.post(
        f"/api/claims/{counts.pk}/split/", {"appearances": moving}, format="json"
    )
    assert response.status_code == 201
    new = Claim.objects.get(pk=response.json()["id"])
    assert set(new.appearances.values_list("pk", flat=True)) == set(moving)
    assert (
        client.post(
            f"/api/claims/{counts.pk}/merge/", {"other": counts.pk}, format="json"
        ).status_code
        == 400
    )


def test_similar_to_this_text(seeded, alice):
    response = token_client(alice).post(
        "/api/claims/similar/",
        {"text": "Ukraine captured two Chinese citizens fighting for Russia"},
        format="json",
    )
    assert response.status_code == 200
    rows = response.json()
    assert rows and "Chinese" in rows[0]["quote"]
    assert token_client(alice).post("/api/claims/similar/", {}, format="json").status_code == 400


def test_outsiders_and_anonymous_get_nothing(seeded, charlie):
    assert token_client(charlie).get("/api/claims/").status_code == 403
    from rest_framework.test import APIClient

    assert APIClient().get("/api/claims/").status_code == 401
    assert token_client(charlie).get("/api/claims/conflicts/").status_code == 403


def test_bad_ids_are_a_clear_400_or_404(seeded, alice):
    client = token_client(alice)
    assert client.get("/api/claims/?article=abc").status_code == 400
    assert client.get("/api/claims/99999999/").status_code == 404
    assert client.get("/api/claims/appearances/?claim=1x").status_code == 400


def test_claimreview_list_has_one_review_per_published_group(seeded, carol, alice):
    claim = _counts_claim()
    token_client(carol).post(f"/api/claims/{claim.pk}/verdict/", {"verdict": "true"}, format="json")
    rows = results(token_client(alice).get("/api/claims/claimreviews/"))
    assert [r["url"].rsplit("/", 2)[-2] for r in rows] == [str(claim.pk)]
    assert len(rows[0]["itemReviewed"]["appearance"]) >= 2
