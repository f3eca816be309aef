"""Importing an article and saving a span enqueue the claims jobs, after the commit.

A saved span is marked pending in the same write; the web process enqueues one delayed drain
per CLAIMS_MATCH_DELAY_SECONDS (not one task per span), and the drain places every pending
span and clears its mark.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from unittest import mock

import pytest

from annotations.models import Annotation, Article, JobKind
from annotations.services import imports
from annotations.services.annotating import create_annotation, update_annotation
from annotations.services.bulk_spans import write_spans
from claims.services import hooks, matching
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_schedule(settings: object) -> Iterator[None]:
    settings.CLAIMS_MATCH_DELAY_SECONDS = 2.0
    hooks.reset_schedule()
    yield
    hooks.reset_schedule()


def test_import_enqueues_matching_for_each_new_article(django_capture_on_commit_callbacks):
    job = imports.create_import_job(
        user=None,
        kind=JobKind.UPLOAD,
        label="one",
        inputs=[
            imports.ImportInput(name="a.txt", payload=("North Korea sent troops. " * 20).encode())
        ],
    )
    with mock.patch("claims.tasks.match_article.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            imports.run_import_job(job_id=job.pk)
        article = Article.objects.get()
        delay.assert_called_once_with(article.pk)


def _span(user, article, n: int = 0):
    start = n * 40
    return create_annotation(
        user=user,
        article=article,
        start=start,
        end=start + 30,
        quote=article.text[start : start + 30],
        tag="claim",
    )


def test_a_saved_span_is_marked_and_one_drain_enqueued_after_commit(
    alice, django_capture_on_commit_callbacks
):
    article = make_article()
    with mock.patch("claims.tasks.match_pending_spans.apply_async") as enqueue:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            annotation = _span(alice, article)
        enqueue.assert_not_called()  # nothing before the commit
        assert Annotation.objects.get(pk=annotation.pk).claims_pending is True
        for callback in callbacks:
            callback()
        enqueue.assert_called_once_with(countdown=2.0)
        # More writes within the delay: the drain already enqueued will see them.
        with django_capture_on_commit_callbacks(execute=True):
            second = _span(alice, article, 1)
            update_annotation(user=alice, annotation=annotation, changes={"tag": "estimate"})
        assert enqueue.call_count == 1
        assert set(Annotation.objects.filter(claims_pending=True).values_list("pk", flat=True)) == {
            annotation.pk,
            second.pk,
        }


def test_a_write_after_the_enqueued_drain_started_enqueues_another(
    alice, django_capture_on_commit_callbacks
):
    article = make_article()
    with (
        mock.patch("claims.tasks.match_pending_spans.apply_async") as enqueue,
        mock.patch("claims.services.hooks.time.time") as clock,
    ):
        clock.return_value = 1000.0
        with django_capture_on_commit_callbacks(execute=True):
            _span(alice, article)
        clock.return_value = 1000.0 + 2.0 - hooks.CLOCK_MARGIN_SECONDS  # too close to its start
        with django_capture_on_commit_callbacks(execute=True):
            _span(alice, article, 1)
        assert enqueue.call_count == 2


def test_a_broker_failure_does_not_fail_the_write(alice, django_capture_on_commit_callbacks):
    article = make_article()
    with mock.patch(
        "claims.tasks.match_pending_spans.apply_async", side_effect=ConnectionError("down")
    ) as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            annotation = _span(alice, article)
        with django_capture_on_commit_callbacks(execute=True):
            _span(alice, article, 1)
    assert enqueue.call_count == 2  # the failure was forgotten: the next write tried again
    assert Annotation.objects.get(pk=annotation.pk).claims_pending is True  # for the sweep


def test_bulk_span_writes_mark_every_span_and_enqueue_once(
    alice, django_capture_on_commit_callbacks
):
    article = make_article()
    first = _span(alice, article, 3)
    Annotation.objects.update(claims_pending=False)
    spans = [
        {"start": 0, "end": 10, "quote": article.text[:10], "tag": "claim"},
        {"start": 12, "end": 20, "quote": article.text[12:20], "tag": "denial"},
        {"id": first.pk, "tag": "estimate"},
    ]
    with mock.patch("claims.tasks.match_pending_spans.apply_async") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            written = write_spans(user=alice, article=article, spans=spans)
        enqueue.assert_called_once()
    pending = set(Annotation.objects.filter(claims_pending=True).values_list("pk", flat=True))
    assert pending == {a.pk for a in written}
    assert first.pk in pending


def test_the_drain_places_pending_spans_once_and_clears_them(alice, bob):
    article = make_article()
    spans = [_span(alice, article, n) for n in range(3)]
    untouched = _span(bob, article, 4)
    Annotation.objects.filter(pk=untouched.pk).update(claims_pending=False)
    with mock.patch.object(matching, "_place", wraps=matching._place) as place:
        assert matching.process_pending(batch=2) == {"placed": 3, "failed": 0}
        assert sorted(c.args[0].pk for c in place.call_args_list) == [s.pk for s in spans]
        assert matching.process_pending() == {"placed": 0, "failed": 0}
    assert not Annotation.objects.filter(claims_pending=True).exists()


def test_an_edit_during_placement_stays_pending(alice):
    article = make_article()
    annotation = _span(alice, article)

    def edit_meanwhile(span: Annotation) -> str:
        Annotation.objects.filter(pk=span.pk).update(version=5, claims_pending=True)
        return "unmatched"

    with mock.patch.object(matching, "_place", side_effect=edit_meanwhile):
        assert matching.process_pending() == {"placed": 1, "failed": 0}
    assert Annotation.objects.get(pk=annotation.pk).claims_pending is True


def test_a_failing_span_is_logged_and_does_not_block_the_others(alice, caplog):
    article = make_article()
    bad, good = _span(alice, article), _span(alice, article, 1)

    def place(span: Annotation) -> str:
        if span.pk == bad.pk:
            Annotation.objects.filter(pk=good.pk).update(note="undone by the failure")
            raise RuntimeError("boom")
        return "unmatched"

    with (
        mock.patch.object(matching, "_place", side_effect=place),
        caplog.at_level(logging.ERROR, logger="claims.services.matching"),
    ):
        assert matching.process_pending() == {"placed": 1, "failed": 1}
    assert f"annotation {bad.pk}" in caplog.text
    assert Annotation.objects.get(pk=good.pk).note == ""  # the failed span's writes rolled back
    assert not Annotation.objects.filter(pk__in=[bad.pk, good.pk], claims_pending=True).exists()


def test_beat_sweeps_for_spans_whose_drain_was_never_enqueued(alice, settings):
    from factcheck.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["claims-match-pending"]
    assert entry["task"] == "claims.tasks.match_pending_spans"
    assert entry["task"] in app.tasks
    assert entry["schedule"] <= 60.0
    article = make_article()
    with mock.patch("claims.tasks.match_pending_spans.apply_async", side_effect=OSError("down")):
        # No on-commit capture: the test transaction never commits, nothing is enqueued.
        annotation = _span(alice, article)
    assert app.tasks[entry["task"]]() == {"placed": 1, "failed": 0}
    assert Annotation.objects.get(pk=annotation.pk).claims_pending is False
