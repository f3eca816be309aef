"""Batches lose nothing: SIGKILL a real worker mid-batch, flush the broker, run two workers."""

from __future__ import annotations

import json
import signal

import pytest

from annotations.models import Article, ImportItem, ImportJob, ItemStatus, JobStatus
from annotations.services import imports
from tests.httpserver import paragraphs_for
from tests.test_import_survives_worker_and_broker_loss import _drop_queued_messages
from tests.worker import running_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def jsonl(lines: int, offset: int = 0) -> bytes:
    return "\n".join(
        json.dumps({"text": "\n\n".join(paragraphs_for(offset + i)), "id": f"b-{offset + i}"})
        for i in range(lines)
    ).encode()


def imported(job) -> int:
    return ImportItem.objects.filter(job=job, status=ItemStatus.IMPORTED).count()


def assert_exactly_once(job, lines: int) -> None:
    job.refresh_from_db()
    assert (job.status, job.imported, job.duplicates, job.failed) == (
        JobStatus.SUCCEEDED, lines, 0, 0,
    )  # fmt: skip
    assert Article.objects.count() == lines
    assert Article.objects.values("source_id").distinct().count() == lines
    ids = list(
        ImportItem.objects.filter(job=job, metadata__kind="jsonl").values_list(
            "article_id", flat=True
        )
    )
    assert len(ids) == lines and None not in ids and len(set(ids)) == lines


def test_worker_killed_mid_batch_then_requeued_imports_every_line_exactly_once(admin_user):
    lines = 600  # claimed in batches of 1, 10, 40, 160, 250, ...
    job = imports.start_upload_import(user=admin_user, files=[("big.jsonl", jsonl(lines, 3000))])
    with running_worker() as worker:
        wait_for(lambda: imported(job) >= 51, what="the first batches imported")
        worker.kill(signal.SIGKILL)
    done_before = imported(job)
    running = ImportItem.objects.filter(job=job, status=ItemStatus.RUNNING).count()
    # Killed in the middle of a batch: its claimed items are "running", none of them stored.
    assert 51 <= done_before < lines and running > 0
    assert Article.objects.count() == done_before
    with running_worker():
        assert imports.requeue_stale_jobs(stale_after=0) == [job.pk]
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, what="the job")
    assert_exactly_once(job, lines)


def test_flushed_broker_loses_no_batch_job(admin_user):
    _drop_queued_messages()
    lines = 120
    job = imports.start_upload_import(user=admin_user, files=[("b.jsonl", jsonl(lines, 4000))])
    assert _drop_queued_messages() == 1  # the job's message is gone
    with running_worker():
        imports.requeue_stale_jobs(stale_after=0)
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, what="the job")
    assert_exactly_once(job, lines)


def test_two_worker_processes_share_a_big_job_and_import_every_line_once(admin_user):
    _drop_queued_messages()
    lines = 800
    # Both processes wait before the upload: a lone fast worker could otherwise import all
    # 800 lines, then take the job's extra message itself, before the second one is up.
    with running_worker() as first, running_worker() as second:
        job = imports.start_upload_import(user=admin_user, files=[("b.jsonl", jsonl(lines, 5000))])
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, what="the job", timeout=180)
        # The expansion sent extra messages for the job; both processes ran it.
        for worker in (first, second):
            assert any(
                "run_import_job[" in line and "received" in line for line in worker.output
            ), worker.log
    assert_exactly_once(job, lines)
    stamps = ImportItem.objects.filter(job=job, metadata__kind="jsonl").values("claimed_at")
    assert stamps.distinct().count() >= 5  # many batches, each with its own claim
