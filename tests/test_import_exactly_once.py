"""Item claims: a dead worker's item is redone, a taken-over claim keeps one outcome."""

from __future__ import annotations

import pytest
from django.db import transaction

from annotations.models import Article, ImportItem, ImportJob, ItemStatus, JobStatus
from annotations.services import imports
from annotations.services.importing import jobs
from tests.httpserver import paragraphs_for

pytestmark = pytest.mark.django_db


def make_job(user, n=4):
    files = [(f"a{i}.txt", "\n\n".join(paragraphs_for(200 + i)).encode()) for i in range(n)]
    return imports.start_upload_import(user=user, files=files)


def test_item_claimed_by_a_dead_worker_is_requeued_and_imported_once(admin_user):
    job = make_job(admin_user)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    dead = jobs._claim_items(job.pk, limit=3)  # the worker dies holding a batch of claims
    assert [i.name for i in dead] == ["a0.txt", "a1.txt", "a2.txt"]
    assert ImportItem.objects.filter(status=ItemStatus.RUNNING).count() == 3
    assert jobs._claim_items(job.pk, limit=3)[0].name == "a3.txt"  # claimed items are taken
    assert imports.requeue_stale_jobs(stale_after=0) == [job.pk]  # and sent again
    assert ImportItem.objects.filter(status=ItemStatus.PENDING).count() == 4
    assert ImportJob.objects.get(pk=job.pk).attempts == 1
    imports.run_import_job(job_id=job.pk)
    imports.run_import_job(job_id=job.pk)  # a duplicate delivery changes nothing
    job.refresh_from_db()
    assert (job.status, job.imported, job.duplicates) == (JobStatus.SUCCEEDED, 4, 0)
    assert Article.objects.count() == 4


def test_a_taken_over_claim_rolls_back_the_slow_workers_result(admin_user):
    job = make_job(admin_user, n=1)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    slow = jobs._claim_items(job.pk)[0]
    imports.requeue_stale_jobs(stale_after=0)  # the slow worker is presumed dead
    fast = jobs._claim_items(job.pk)[0]
    context = jobs._RunContext.load(job.pk)
    jobs._process_item(fast, context)
    jobs._process_item(slow, context)  # finishes late: its article must not be kept
    item = ImportItem.objects.get(pk=slow.pk)
    assert item.status == ItemStatus.IMPORTED and Article.objects.count() == 1
    assert item.article_id == Article.objects.get().pk


def test_expansion_is_one_transaction(admin_user, monkeypatch):
    data = b'{"text": "' + b"x " * 150 + b'"}\n' + b'{"text": "' + b"y " * 150 + b'"}\n'
    job = imports.start_upload_import(user=admin_user, files=[("b.jsonl", data)])
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    item = jobs._claim_items(job.pk)[0]

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies after adding children, before marking done

    monkeypatch.setattr(jobs, "_finish_item", crash)
    with pytest.raises(KeyboardInterrupt), transaction.atomic():
        jobs._add_children(item, jobs.sources.expand_jsonl(item.name, data))
    assert ImportItem.objects.filter(job=job).count() == 1  # no orphan children
