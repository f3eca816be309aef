"""The claim pages and the panel on the annotate and adjudicate pages."""

from __future__ import annotations

import pytest

from claims.models import Claim, ClaimAppearance
from tests.api_helpers import fast_passwords, session_client  # noqa: F401
from tests.claims_seeds import import_seeds_and_match

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _lexical_only(settings):
    settings.CLAIMS_EMBEDDINGS = "off"


@pytest.fixture
def seeded(db):
    return import_seeds_and_match()


def test_annotate_page_shows_suggestions_and_other_articles(seeded, alice):
    article = next(a for a in seeded if "roughly 11,000 troops" in a.text)
    html = session_client(alice).get(f"/articles/{article.pk}/").content.decode()
    assert 'id="sugg-list"' in html and "sugg-accept" in html
    assert "This claim also appears in" in html
    assert "Conflict:" in html and "12,000" in html


def test_adjudicate_page_shows_groups_and_conflicts_without_suggestions(seeded, carol):
    article = next(a for a in seeded if "roughly 11,000 troops" in a.text)
    html = session_client(carol).get(f"/articles/{article.pk}/adjudicate/").content.decode()
    assert "This claim also appears in" in html and "Conflict:" in html
    assert 'id="sugg-list"' not in html


def test_claim_page_lists_every_appearance_side_by_side(seeded, alice):
    claim = ClaimAppearance.objects.get(quote__contains="roughly 11,000 troops").claim
    html = session_client(alice).get(f"/claims/{claim.pk}/").content.decode()
    for appearance in claim.appearances.all():
        assert f'data-appearance="{appearance.pk}"' in html
    assert "publish-claim" not in html  # reviewers do not publish


def test_claims_list_and_conflicts_page(seeded, alice):
    client = session_client(alice)
    listing = client.get("/claims/").content.decode()
    assert listing.count("/claims/") > 3 and "Open conflicts" in listing
    conflicts = client.get("/claims/conflicts/").content.decode()
    assert "11,000" in conflicts and "12,000" in conflicts


def test_adjudicator_publishes_a_group_verdict_from_the_claim_page(seeded, carol):
    claim = ClaimAppearance.objects.get(quote__contains="roughly 11,000 troops").claim
    response = session_client(carol).post(
        f"/claims/{claim.pk}/",
        {"op": "publish", "verdict": "mostly-true", "rationale": "Sources agree on ~11-12k."},
    )
    assert response.status_code == 302
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.verdict.slug == "mostly-true" and claim.published_at is not None
    bad = session_client(carol).post(
        f"/claims/{claim.pk}/", {"op": "publish", "verdict": "x"}, follow=True
    )
    assert "verdict must be one of" in bad.content.decode()


def test_outsiders_are_refused_and_only_admins_import_fact_checks(seeded, charlie, alice):
    assert session_client(charlie).get("/claims/").status_code == 403
    assert session_client(alice).get("/claims/fact-checks/").status_code == 403
