"""Blind review holds through claim groups, appearances, conflicts and suggestions.

Bob (a reviewer, not submitted) annotates spans that join claim groups and make a conflict.
Alice (another reviewer, not submitted) must learn nothing of Bob's spans through the claims
API or pages; Carol (adjudicator) sees them; once Alice submits the article, she does too.
"""

from __future__ import annotations

import pytest

from annotations.services.annotating import create_annotation, submit_article
from claims.models import ClaimAppearance, FigureConflict, MatchCandidate, Suggestion
from claims.services import matching, suggestions
from tests.api_helpers import fast_passwords, results, session_client, token_client  # noqa: F401
from tests.claims_seeds import import_seeds_and_match

pytestmark = pytest.mark.django_db

SECRET = "Bob-only claimant"


@pytest.fixture(autouse=True)
def _lexical_only(settings):
    settings.CLAIMS_EMBEDDINGS = "off"


@pytest.fixture
def bobs_work(db, bob):
    articles = import_seeds_and_match()
    article = next(a for a in articles if "recruited 12,000 soldiers" in a.text)
    quote = "Russia previously recruited 12,000 soldiers from North Korea"
    start = article.text.index(quote)
    # Bob marks it as a denial: against the asserting sources that is a claim-vs-denial conflict.
    annotation = create_annotation(
        user=bob,
        article=article,
        start=start,
        end=start + len(quote),
        quote=quote,
        tag="denial",
        claimant=SECRET,
    )
    assert matching.process_annotation(annotation_id=annotation.pk) == "linked"
    other = ClaimAppearance.objects.filter(annotation__isnull=True).exclude(article=article).first()
    MatchCandidate.objects.create(
        claim=other.claim,
        article=article,
        start=start,
        end=start + len(quote),
        quote=quote,
        annotation=annotation,
        lexical_score=0.5,
        score=0.5,
        status="suggested",
    )
    bob_suggestion = Suggestion.objects.filter(article=article).first()
    suggestions.reject_suggestion(user=bob, suggestion=bob_suggestion)
    return article, annotation


def _everything(client, article_id: int) -> str:
    """Every claims endpoint a reviewer can read, as one string."""
    parts = [client.get("/api/claims/?multi=0").content]
    for row in results(client.get("/api/claims/")):
        parts.append(client.get(f"/api/claims/{row['id']}/").content)
    for url in ("appearances/", "conflicts/", "candidates/", f"suggestions/?article={article_id}"):
        parts.append(client.get(f"/api/claims/{url}").content)
    parts.append(
        client.post(
            "/api/claims/similar/", {"text": "recruited 12,000 soldiers"}, format="json"
        ).content
    )
    return b"".join(parts).decode()


def test_bobs_spans_reach_the_groups_and_the_adjudicator_sees_them(bobs_work, carol):
    article, annotation = bobs_work
    appearance = ClaimAppearance.objects.get(annotation=annotation)
    assert FigureConflict.objects.filter(kind="stance", second=appearance).exists()
    seen = _everything(token_client(carol), article.pk)
    assert SECRET in seen and f'"annotation":{annotation.pk}' in seen.replace(" ", "")


def test_another_reviewer_learns_nothing_of_unsubmitted_spans(bobs_work, alice):
    article, annotation = bobs_work
    appearance = ClaimAppearance.objects.get(annotation=annotation)
    client = token_client(alice)
    seen = _everything(client, article.pk).replace(" ", "")
    assert SECRET not in seen
    assert f'"annotation":{annotation.pk}' not in seen
    assert f'"id":{appearance.pk},' not in seen
    hidden = FigureConflict.objects.filter(second=appearance).values_list("pk", flat=True)
    assert hidden
    visible = {r["id"] for r in results(client.get("/api/claims/conflicts/"))}
    assert not visible & set(hidden)
    # Bob's rejection is his own: Alice's suggestions show no decisions.
    rows = results(client.get(f"/api/claims/suggestions/?article={article.pk}"))
    assert all(r["decision"] is None for r in rows)
    # Nor through the pages.
    pages = session_client(alice)
    claim_page = pages.get(f"/claims/{appearance.claim_id}/").content.decode()
    annotate_page = pages.get(f"/articles/{article.pk}/").content.decode()
    conflicts_page = pages.get("/claims/conflicts/").content.decode()
    for html in (claim_page, annotate_page, conflicts_page):
        assert SECRET not in html
    assert "Bob-only" not in conflicts_page


def test_after_submitting_the_reviewer_sees_the_others_work(bobs_work, alice):
    article, _ = bobs_work
    submit_article(user=alice, article=article)
    seen = _everything(token_client(alice), article.pk)
    assert SECRET in seen


def test_a_deleted_span_leaves_the_group_for_everyone(bobs_work, bob, carol):
    from annotations.services.annotating import delete_annotation

    article, annotation = bobs_work
    delete_annotation(user=bob, annotation=annotation)
    seen = _everything(token_client(carol), article.pk)
    assert SECRET not in seen
