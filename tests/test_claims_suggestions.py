"""Suggested spans: accepting makes a normal annotation; adjust, reject, retrain."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from annotations.models import Annotation, AuditEvent
from annotations.models.review import AnnotationKind
from annotations.services.annotating import submit_article
from claims.models import Decision, Suggestion, SuggestionDecision
from tests.api_helpers import fast_passwords, results, token_client  # noqa: F401
from tests.claims_seeds import import_seeds_and_match

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _lexical_only(settings, tmp_path):
    settings.CLAIMS_EMBEDDINGS = "off"
    settings.CLAIMS_MODEL_DIR = tmp_path / "model"


@pytest.fixture
def seeded(db):
    return import_seeds_and_match()


def test_suggestions_are_not_annotations_until_accepted(seeded, alice):
    article = seeded[3]
    rows = results(token_client(alice).get(f"/api/claims/suggestions/?article={article.pk}"))
    assert rows and all(r["decision"] is None for r in rows)
    assert not Annotation.objects.exists()


def test_accepting_creates_a_normal_annotation_of_the_reviewer(seeded, alice):
    suggestion = Suggestion.objects.filter(article=seeded[3]).first()
    response = token_client(alice).post(f"/api/claims/suggestions/{suggestion.pk}/accept/")
    assert response.status_code == 201, response.content
    annotation = Annotation.objects.get(pk=response.json()["annotation"])
    assert (annotation.reviewer, annotation.kind, annotation.state) == (alice, "review", "draft")
    assert (annotation.start, annotation.end, annotation.quote, annotation.tag) == (
        suggestion.start,
        suggestion.end,
        suggestion.quote,
        suggestion.tag,
    )
    assert AuditEvent.objects.filter(action="annotation.create", object_id=annotation.pk).exists()
    decision = SuggestionDecision.objects.get(suggestion=suggestion, reviewer=alice)
    assert decision.decision == Decision.ACCEPTED and decision.annotation == annotation
    # Accepting twice is refused rather than making a second annotation.
    again = token_client(alice).post(f"/api/claims/suggestions/{suggestion.pk}/accept/")
    assert again.status_code == 400
    assert Annotation.objects.filter(reviewer=alice).count() == 1


def test_adjusting_changes_the_span_tag_and_claimant(seeded, alice):
    suggestion = Suggestion.objects.filter(quote__contains="roughly 11,000 troops").get()
    shorter = "Pyongyang sent roughly 11,000 troops to Russia last fall"
    response = token_client(alice).post(
        f"/api/claims/suggestions/{suggestion.pk}/accept/",
        {"quote": shorter, "tag": "estimate", "claimant": "Military analysts"},
        format="json",
    )
    assert response.status_code == 201, response.content
    annotation = Annotation.objects.get(pk=response.json()["annotation"])
    assert annotation.quote == shorter
    assert annotation.article.text[annotation.start : annotation.end] == shorter
    assert (annotation.tag, annotation.claimant) == ("estimate", "Military analysts")
    assert SuggestionDecision.objects.get(reviewer=alice).decision == Decision.ADJUSTED


def test_an_adjusted_text_not_in_the_article_is_refused(seeded, alice):
    suggestion = Suggestion.objects.filter(article=seeded[0]).first()
    response = token_client(alice).post(
        f"/api/claims/suggestions/{suggestion.pk}/accept/",
        {"quote": "words that are nowhere in the article"},
        format="json",
    )
    assert response.status_code == 400 and "not in the article" in response.content.decode()
    assert not Annotation.objects.exists()


def test_reject_is_stored_per_reviewer(seeded, alice, bob):
    suggestion = Suggestion.objects.filter(article=seeded[1]).first()
    assert (
        token_client(alice).post(f"/api/claims/suggestions/{suggestion.pk}/reject/").status_code
        == 200
    )
    mine = results(token_client(alice).get(f"/api/claims/suggestions/?article={seeded[1].pk}"))
    theirs = results(token_client(bob).get(f"/api/claims/suggestions/?article={seeded[1].pk}"))
    assert next(r for r in mine if r["id"] == suggestion.pk)["decision"] == "rejected"
    assert next(r for r in theirs if r["id"] == suggestion.pk)["decision"] is None


def test_after_submitting_a_reviewer_cannot_accept(seeded, alice):
    article = seeded[2]
    submit_article(user=alice, article=article)
    suggestion = Suggestion.objects.filter(article=article).first()
    response = token_client(alice).post(f"/api/claims/suggestions/{suggestion.pk}/accept/")
    assert response.status_code == 403
    assert not Annotation.objects.filter(kind=AnnotationKind.REVIEW).exists()


def test_retrain_command_learns_from_the_decisions(seeded, alice, bob, settings):
    accepted = Suggestion.objects.filter(article=seeded[0]).first()
    rejected = Suggestion.objects.filter(article=seeded[0]).last()
    token_client(alice).post(f"/api/claims/suggestions/{accepted.pk}/accept/")
    token_client(bob).post(f"/api/claims/suggestions/{rejected.pk}/reject/")
    calls = []
    import claims.checkworthiness as cw

    original = cw.retrain

    def spy(examples):
        calls.append(examples)
        return original(examples)

    cw.retrain = spy
    try:
        out = io.StringIO()
        call_command("retrain_checkworthiness", stdout=out)
    finally:
        cw.retrain = original
    assert calls == [[(accepted.quote, True), (rejected.quote, False)]]
    assert json.loads(out.getvalue())  # the metrics are printed
    assert "claims-retrain-checkworthiness" in settings.CELERY_BEAT_SCHEDULE


def test_retrain_without_decisions_does_not_call_the_model(db, settings):
    out = io.StringIO()
    call_command("retrain_checkworthiness", stdout=out)
    assert json.loads(out.getvalue())["examples"] == 0
