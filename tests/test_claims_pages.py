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


def _many_conflicts(count: int, name: str) -> Claim:
    """A claim group whose appearances give ``count`` figure conflicts (machine spans only,
    visible to every reviewer)."""
    from claims.services.conflicts import detect_conflicts
    from tests.factories import make_article

    claim = Claim.objects.create(canonical_text="North Korean troops in Kursk")
    low = make_article(f"North Korea sent 10,000 troops to Kursk, {name} said.")
    ClaimAppearance.objects.create(
        claim=claim, article=low, start=0, end=len(low.text), quote=low.text, outlet="Low Wire"
    )
    for n in range(count):
        high = make_article(f"North Korea sent 12,000 troops to Kursk ({name} {n}).")
        ClaimAppearance.objects.create(
            claim=claim, article=high, start=0, end=len(high.text), quote=high.text,
            outlet=f"High Wire {n}",
        )  # fmt: skip
    assert detect_conflicts(claim_id=claim.pk) == count
    return claim


def test_conflict_pages_are_paged_and_a_claim_shows_the_first_few(db, alice):
    claim = _many_conflicts(60, "Seoul")
    other = _many_conflicts(1, "Kyiv")
    client = session_client(alice)
    first = client.get("/claims/conflicts/").content.decode()
    assert first.count('class="conflict-pair"') == 50 and "61 in all" in first
    assert "Page 1 of 2" in first and "?page=2" in first
    second = client.get("/claims/conflicts/?page=2").content.decode()
    assert second.count('class="conflict-pair"') == 11
    only = client.get(f"/claims/conflicts/?claim={other.pk}").content.decode()
    assert only.count('class="conflict-pair"') == 1 and "1 in all" in only
    detail = client.get(f"/claims/{claim.pk}/").content.decode()
    assert detail.count("conflict-pair conflict-open") == 20
    assert "20 of 60" in detail and f"/claims/conflicts/?claim={claim.pk}" in detail
