"""Importing an article and saving a span enqueue the claims jobs, after the commit."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.test import override_settings

from annotations.models import Annotation, Article, JobKind
from annotations.services import imports
from annotations.services.annotating import create_annotation, update_annotation
from annotations.services.bulk_spans import write_spans
from tests.factories import make_article

pytestmark = pytest.mark.django_db


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


def test_saving_a_span_enqueues_matching_after_commit(alice, django_capture_on_commit_callbacks):
    article = make_article()
    quote = article.text[:30]
    with mock.patch("claims.tasks.match_annotation.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            annotation = create_annotation(
                user=alice, article=article, start=0, end=30, quote=quote, tag="claim"
            )
        delay.assert_not_called()  # nothing before the commit
        for callback in callbacks:
            callback()
        delay.assert_called_once_with(annotation.pk)
        with django_capture_on_commit_callbacks(execute=True):
            update_annotation(user=alice, annotation=annotation, changes={"tag": "estimate"})
        assert delay.call_count == 2


def test_bulk_span_writes_enqueue_matching_once(alice, django_capture_on_commit_callbacks):
    article = make_article()
    spans = [
        {"start": 0, "end": 10, "quote": article.text[:10], "tag": "claim"},
        {"start": 12, "end": 20, "quote": article.text[12:20], "tag": "denial"},
    ]
    with mock.patch("claims.tasks.match_annotations.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            written = write_spans(user=alice, article=article, spans=spans)
        delay.assert_called_once()  # one broker message for the whole write
        assert sorted(delay.call_args.args[0]) == sorted(a.pk for a in written)


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


def test_a_batch_import_enqueues_matching_once_when_the_job_ends(
    django_capture_on_commit_callbacks,
):
    job = imports.create_import_job(
        user=None,
        kind=JobKind.UPLOAD,
        label="lines",
        inputs=[imports.ImportInput(name="a.jsonl", payload=_jsonl(3))],
    )
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
    job = imports.create_import_job(
        user=None,
        kind=JobKind.UPLOAD,
        label="lines",
        inputs=[imports.ImportInput(name="a.jsonl", payload=_jsonl(2))],
    )
    with mock.patch("claims.tasks.match_import.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            imports.run_import_job(job_id=job.pk)
    assert Article.objects.filter(import_job=job).count() == 2
    delay.assert_not_called()


def test_the_job_task_suggests_and_matches_articles_and_imported_spans_in_slices():
    from claims import tasks
    from claims.models import Suggestion

    job = imports.create_import_job(
        user=None,
        kind=JobKind.UPLOAD,
        label="lines",
        inputs=[imports.ImportInput(name="a.jsonl", payload=_jsonl(3, spans=True))],
    )
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
