"""Importing an article and saving a span enqueue the claims jobs, after the commit."""

from __future__ import annotations

from unittest import mock

import pytest

from annotations.models import Article, JobKind
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


def test_bulk_span_writes_enqueue_matching(alice, django_capture_on_commit_callbacks):
    article = make_article()
    spans = [
        {"start": 0, "end": 10, "quote": article.text[:10], "tag": "claim"},
        {"start": 12, "end": 20, "quote": article.text[12:20], "tag": "denial"},
    ]
    with mock.patch("claims.tasks.match_annotation.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            written = write_spans(user=alice, article=article, spans=spans)
        assert sorted(c.args[0] for c in delay.call_args_list) == sorted(a.pk for a in written)
