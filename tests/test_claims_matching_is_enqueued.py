"""Importing an article and saving a span enqueue the claims jobs, after the commit.

A saved span is marked pending in the same write; the web process enqueues one delayed drain
per CLAIMS_MATCH_DELAY_SECONDS (not one task per span), and the drain places every pending
span and clears its mark.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import override_settings

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
    with (
        mock.patch("claims.tasks.match_article.delay") as delay,
        mock.patch("claims.tasks.match_import.delay") as job_task,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            imports.run_import_job(job_id=job.pk)
        article = Article.objects.get()
        delay.assert_called_once_with(article.pk)
        # A job of files only: no job-wide claims task on top of the per-article one.
        job_task.assert_not_called()


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

    def edit_meanwhile(span: Annotation, *_: object) -> str:
        Annotation.objects.filter(pk=span.pk).update(version=5, claims_pending=True)
        return "unmatched"

    with mock.patch.object(matching, "_place", side_effect=edit_meanwhile):
        assert matching.process_pending() == {"placed": 1, "failed": 0}
    assert Annotation.objects.get(pk=annotation.pk).claims_pending is True


def test_a_failing_span_is_logged_and_does_not_block_the_others(alice, caplog):
    article = make_article()
    bad, good = _span(alice, article), _span(alice, article, 1)

    def place(span: Annotation, *_: object) -> str:
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


def _jsonl(count: int, spans: bool = False) -> bytes:
    lines = []
    for n in range(count):
        text = (
            f"Report {n}: North Korea has sent about {n + 11},000 troops to Russia's Kursk "
            "region, South Korean officials said on Monday. " * 4
        )
        record = {"title": f"T{n}", "text": text}
        if spans:
            record["spans"] = [{"start": 0, "end": 6, "quote": text[:6], "tag": "claim"}]
        lines.append(json.dumps(record))
    return "\n".join(lines).encode()


def _jsonl_job(count: int, spans: bool = False) -> Any:
    """An upload job of one JSONL file with ``count`` lines (not run yet)."""
    return imports.create_import_job(
        user=None,
        kind=JobKind.UPLOAD,
        label="lines",
        inputs=[imports.ImportInput(name="a.jsonl", payload=_jsonl(count, spans=spans))],
    )


def test_a_batch_import_enqueues_matching_once_when_the_job_ends(
    django_capture_on_commit_callbacks,
):
    job = _jsonl_job(3)
    with (
        mock.patch("claims.tasks.match_import.delay") as delay,
        mock.patch("claims.tasks.match_article.delay") as single,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            imports.run_import_job(job_id=job.pk)
        assert Article.objects.filter(import_job=job).count() == 3
        delay.assert_called_once_with(job.pk)  # one message for the whole job
        single.assert_not_called()


@override_settings(CLAIMS_AFTER_BATCH_IMPORT=False)
def test_batch_imports_can_be_left_out_of_claims_work(django_capture_on_commit_callbacks):
    job = _jsonl_job(2)
    with mock.patch("claims.tasks.match_import.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            imports.run_import_job(job_id=job.pk)
    assert Article.objects.filter(import_job=job).count() == 2
    delay.assert_not_called()


def test_the_job_task_suggests_and_matches_articles_and_imported_spans_in_slices():
    from claims import tasks
    from claims.models import Suggestion

    job = _jsonl_job(3, spans=True)
    with mock.patch("claims.tasks.match_import.delay"):
        imports.run_import_job(job_id=job.pk)
    articles = list(Article.objects.filter(import_job=job).order_by("pk"))
    spans = list(Annotation.objects.filter(article__in=articles).order_by("pk"))
    assert len(articles) == 3 and len(spans) == 3
    with (
        mock.patch("claims.services.matching.process_annotation") as placed,
        mock.patch("claims.tasks.match_import.delay") as again,
        override_settings(CLAIMS_IMPORT_SLICE_SECONDS=0),
    ):
        assert tasks.match_import(job.pk) == articles[0].pk  # one article, then re-queued
        again.assert_called_once_with(job.pk, articles[0].pk)
        assert placed.call_args_list == [mock.call(annotation_id=spans[0].pk)]
        assert Suggestion.objects.filter(article=articles[0]).exists()
        tasks.match_import(job.pk, articles[0].pk)
        tasks.match_import(job.pk, articles[1].pk)
        assert tasks.match_import(job.pk, articles[2].pk) == 0  # nothing left
    assert all(Suggestion.objects.filter(article=a).exists() for a in articles)
    assert [c.kwargs["annotation_id"] for c in placed.call_args_list] == [s.pk for s in spans]
