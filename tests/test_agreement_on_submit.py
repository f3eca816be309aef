"""Submitting an article enqueues one agreement recomputation after commit, however many
reviewers submit within the window; the task is idempotent."""

from __future__ import annotations

import pytest

from annotations import tasks
from annotations.models import AgreementReport, StaleAgreement
from annotations.services.annotating import submit_article
from tests.agreement_data import review
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _sent(monkeypatch):
    calls: list[tuple] = []
    monkeypatch.setattr(
        tasks.recompute_article_agreement,
        "apply_async",
        lambda args, countdown=None: calls.append((args, countdown)),
    )
    return calls


def test_submit_enqueues_after_commit_with_a_countdown(
    article, alice, django_capture_on_commit_callbacks, monkeypatch
):
    calls = _sent(monkeypatch)
    review(article, alice, [(0, 10, "claim", None)], submit=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_article(user=alice, article=article)
    assert calls == []  # nothing inside the request's transaction
    assert StaleAgreement.objects.filter(article=article).exists()
    for callback in callbacks:
        callback()
    assert calls == [((article.pk,), 2)]


def test_a_burst_of_submissions_enqueues_once(
    article, alice, bob, django_capture_on_commit_callbacks, monkeypatch
):
    calls = _sent(monkeypatch)
    carl = make_user("carl", "reviewer")
    with django_capture_on_commit_callbacks(execute=True):
        for user in (alice, bob, carl):
            review(article, user, [(0, 10, "claim", None)])
    assert calls == [((article.pk,), 2)]
    assert tasks.recompute_article_agreement(article.pk) is True
    assert AgreementReport.objects.get(article=article).inputs["reviewers"] == [
        "alice",
        "bob",
        "carl",
    ]
    assert not StaleAgreement.objects.exists()


def test_task_is_a_noop_when_the_report_is_current(article, alice, bob, monkeypatch):
    _sent(monkeypatch)
    review(article, alice, [(0, 10, "claim", None)])
    review(article, bob, [(0, 12, "claim", None)])
    assert tasks.recompute_article_agreement(article.pk) is True
    first = AgreementReport.objects.get(article=article).computed_at
    assert tasks.recompute_article_agreement(article.pk) is False
    assert AgreementReport.objects.get(article=article).computed_at == first


def test_after_the_task_ran_a_new_submission_enqueues_again(
    article, alice, bob, django_capture_on_commit_callbacks, monkeypatch
):
    calls = _sent(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        review(article, alice, [(0, 10, "claim", None)])
    tasks.recompute_article_agreement(article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        review(article, bob, [(0, 10, "claim", None)])
    assert len(calls) == 2


def test_beat_runs_the_corpus_job_periodically_without_forcing():
    from django.conf import settings

    from factcheck.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["corpus-agreement"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] == float(settings.AGREEMENT_CORPUS_EVERY_SECONDS)
    assert entry["kwargs"] == {"force": False}
