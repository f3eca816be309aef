"""The five seeds, imported through the real pipeline, give suggestions, groups and conflicts."""

from __future__ import annotations

import pytest

from claims.models import Claim, ClaimAppearance, ConflictKind, FigureConflict, Suggestion
from claims.services import matching
from tests.claims_seeds import import_seeds_and_match

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _lexical_only(settings):
    settings.CLAIMS_EMBEDDINGS = "off"


def _group_with(text: str) -> Claim:
    appearance = ClaimAppearance.objects.select_related("claim").get(quote__contains=text)
    return appearance.claim.merged_into or appearance.claim


def _articles(claim: Claim) -> set[int]:
    return set(claim.appearances.values_list("article_id", flat=True))


def test_every_seed_article_gets_suggested_claims():
    articles = import_seeds_and_match()
    for article in articles:
        suggested = Suggestion.objects.filter(article=article)
        assert suggested.count() >= 3, article.title
        for s in suggested:
            assert article.text[s.start : s.end] == s.quote
            assert s.tag in ("claim", "denial", "estimate")


def test_the_same_claims_are_grouped_across_articles():
    articles = import_seeds_and_match()
    by_name = {a.text[:4000]: a.pk for a in articles}
    assert len(by_name) == 5
    confirmation = _group_with("confirmed for the first time that troops from the country")
    assert "confirmed it had sent troops" in " ".join(
        confirmation.appearances.values_list("quote", flat=True)
    )
    assert len(_articles(confirmation)) >= 2

    counts = _group_with("roughly 11,000 troops")
    quotes = " ".join(counts.appearances.values_list("quote", flat=True))
    assert "12,000 soldiers" in quotes and len(_articles(counts)) >= 2

    chinese = _group_with("captured two Chinese nationals")
    quotes = " ".join(chinese.appearances.values_list("quote", flat=True))
    assert "captured two Chinese citizens" in quotes and len(_articles(chinese)) == 2
    # ...and the Chinese captives are not lumped with the North Korean deployment.
    assert chinese.pk != confirmation.pk != counts.pk


def test_troop_figures_that_cannot_both_be_true_are_a_conflict():
    import_seeds_and_match()
    counts = _group_with("roughly 11,000 troops")
    figures = {
        (c.first_figure, c.second_figure)
        for c in FigureConflict.objects.filter(claim=counts, kind=ConflictKind.FIGURES)
    }
    flat = {f for pair in figures for f in pair}
    assert any("11,000" in f for f in flat) and any("12,000" in f for f in flat), figures


def test_running_the_job_twice_changes_nothing():
    articles = import_seeds_and_match()
    before = (Claim.objects.count(), ClaimAppearance.objects.count(), Suggestion.objects.count())
    for article in articles:
        assert matching.process_article(article_id=article.pk) == {"suggestions": 0}
    after = (Claim.objects.count(), ClaimAppearance.objects.count(), Suggestion.objects.count())
    assert before == after


def test_a_deleted_article_id_is_a_noop():
    assert matching.process_article(article_id=987654) == {"suggestions": 0}
