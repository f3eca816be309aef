"""Importing a changed version of a stored article makes a revision; annotations survive.

The import runs in a real Celery worker: version 1 through a job, annotations by two
reviewers and an adjudicator, then version 2 with the same URL (and, separately, the same
source id) and a changed text.
"""

from __future__ import annotations

import json

import pytest

from annotations.models import (
    Annotation,
    Article,
    ArticleRevision,
    AuditEvent,
    ImportItem,
    ItemStatus,
    JobStatus,
)
from annotations.models.review import AnnotationKind
from annotations.services import imports
from tests.factories import make_annotation
from tests.revision_texts import ARTICLE, EDITS, QUOTES, span
from tests.worker import running_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
URL = "https://news.example.org/2025/04/28/north-korea-troops"


def jsonl(**record) -> tuple[str, bytes]:
    return "wire.jsonl", (json.dumps(record) + "\n").encode()


def import_and_wait(user, **record) -> ImportItem:
    job = imports.start_upload_import(user=user, files=[jsonl(**record)], source="Wire")
    wait_for(
        lambda: (
            ImportItem.objects.filter(job=job).exclude(status="expanded").exists()
            and not ImportItem.objects.filter(job=job, status__in=["pending", "running"]).exists()
            and type(job).objects.get(pk=job.pk).is_finished
        ),
        what=f"import job {job.pk}",
    )
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return ImportItem.objects.filter(job=job).exclude(status="expanded").get()


@pytest.mark.parametrize("key", ["url", "source_id"])
def test_revised_import_keeps_all_annotations(admin_user, alice, bob, carol, key):
    identity = {"url": URL} if key == "url" else {"source_id": "wire-2025-0428-kp"}
    with running_worker():
        first = import_and_wait(admin_user, text=ARTICLE, title="Troops", **identity)
        assert first.status == ItemStatus.IMPORTED
        article = first.article
        text = article.text
        for user in (alice, bob):
            for name in QUOTES:
                make_annotation(article, user, *span(text, name), note=name)
        make_annotation(
            article, carol, *span(text, "figure"), kind=AnnotationKind.FINAL, note="figure"
        )
        new_text = EDITS["corrected_figure"].replace(
            "The Kremlin thanked Pyongyang for what it called fraternal support. ", ""
        )
        second = import_and_wait(admin_user, text=new_text, title="Troops (updated)", **identity)
        # The same text again is a duplicate, not a third revision.
        third = import_and_wait(admin_user, text=new_text, title="Troops (updated)", **identity)

    assert (second.status, second.article_id) == (ItemStatus.REVISED, article.pk)
    assert (third.status, third.duplicate_of_id) == (ItemStatus.DUPLICATE, article.pk)
    assert Article.objects.count() == 1
    article.refresh_from_db()
    assert article.revision == 2 and article.title == "Troops (updated)"
    assert article.import_job_id == second.job_id
    old = ArticleRevision.objects.get(article=article, number=1)
    assert old.text == text and old.import_job_id == first.job_id

    annotations = list(Annotation.objects.filter(article=article))
    assert len(annotations) == 2 * len(QUOTES) + 1  # nothing lost
    by_status = {}
    for a in annotations:
        by_status.setdefault(a.anchor_status, set()).add((a.kind, a.note))
        if a.anchor_status == "orphaned":
            assert a.needs_attention and a.quote == QUOTES[a.note]
        else:
            assert article.text[a.start : a.end] == a.quote
    assert by_status["fuzzy"] == {("review", "figure"), ("final", "figure")}
    assert by_status["orphaned"] == {("review", "kremlin")}
    revise = AuditEvent.objects.get(action="article.revise", article_id=article.pk)
    assert revise.after["import_job"] == second.job_id
    assert revise.after["anchors"]["orphaned"] == 2
    assert (
        AuditEvent.objects.filter(action="annotation.reanchor", article_id=article.pk).count()
        == revise.after["reanchored"]
    )
