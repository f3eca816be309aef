"""Nothing lost, nothing twice: SIGKILL the worker mid-job; flush the broker before it runs."""

from __future__ import annotations

import json
import signal

import pytest
from django.conf import settings

from annotations.models import Article, ImportItem, ImportJob, ItemStatus, JobStatus
from annotations.services import imports
from factcheck.celery import app as celery_app
from tests.httpserver import article_html, paragraphs_for, serving
from tests.worker import running_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
N = 12


def test_worker_killed_mid_job_then_requeued_imports_every_item_exactly_once(admin_user):
    with serving() as site:
        # Each page answers slowly, so the worker is surely in the middle of the job.
        urls = [
            site.add(f"/p{i}", article_html(f"Page {i}", paragraphs_for(500 + i)), delay=0.4)
            for i in range(N)
        ]
        job = imports.start_url_import(user=admin_user, urls=urls)
        with running_worker(IMPORT_ALLOW_PRIVATE_URLS="1") as worker:
            wait_for(
                lambda: ImportItem.objects.filter(job=job, status=ItemStatus.IMPORTED).count() >= 3,
                what="three items imported",
            )
            worker.kill(signal.SIGKILL)
        job.refresh_from_db()
        done_before = ImportItem.objects.filter(job=job, status=ItemStatus.IMPORTED).count()
        assert job.status == JobStatus.RUNNING and 3 <= done_before < N
        with running_worker(IMPORT_ALLOW_PRIVATE_URLS="1"):
            assert imports.requeue_stale_jobs(stale_after=0) == [job.pk]
            wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, what="the job")
    job.refresh_from_db()
    assert (job.status, job.imported, job.duplicates, job.failed) == (JobStatus.SUCCEEDED, N, 0, 0)
    assert Article.objects.count() == N
    assert sorted(Article.objects.values_list("url", flat=True)) == sorted(urls)
    article_ids = list(ImportItem.objects.filter(job=job).values_list("article_id", flat=True))
    assert len(set(article_ids)) == N and None not in article_ids


def test_prefork_worker_killed_mid_jsonl_job_imports_every_line_exactly_once(admin_user):
    lines = 300  # JSONL lines are claimed in batches: a kill leaves a batch half done
    data = "\n".join(
        json.dumps({"text": "\n\n".join(paragraphs_for(1000 + i)), "id": f"line-{i}"})
        for i in range(lines)
    ).encode()
    job = imports.start_upload_import(user=admin_user, files=[("many.jsonl", data)])
    with running_worker(pool="prefork") as worker:
        wait_for(
            lambda: ImportItem.objects.filter(job=job, status=ItemStatus.IMPORTED).count() >= 25,
            what="25 lines imported",
        )
        worker.kill(signal.SIGKILL)
    # Killed mid-job: lines are left pending or claimed by the dead worker ("running": the
    # batch it was storing, and the next one it had already claimed and was preparing).
    assert ImportItem.objects.filter(
        job=job, status__in=[ItemStatus.PENDING, ItemStatus.RUNNING], metadata__kind="jsonl"
    ).exists()
    with running_worker(pool="prefork") as worker:
        imports.requeue_stale_jobs(stale_after=0)
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, what="the job")
        worker.kill(signal.SIGKILL)  # done; a prefork warm shutdown can be slow on a busy box
    job.refresh_from_db()
    assert (job.status, job.imported, job.duplicates) == (JobStatus.SUCCEEDED, lines, 0)
    assert Article.objects.count() == lines
    assert Article.objects.values("source_id").distinct().count() == lines


def _drop_queued_messages() -> int:
    """Throw away every message waiting in this test run's queue; return how many there were."""
    queue = celery_app.conf.task_default_queue
    if celery_app.conf.broker_url.startswith("filesystem://"):
        folder = settings.TEST_BROKER_DIR / "queue"
        files = [p for p in folder.iterdir() if p.is_file()]
        for p in files:
            p.unlink()
        return len(files)
    import redis

    # Only this run's queue (other test runs may share the Redis database): the same loss
    # as FLUSHALL from this job's point of view.
    client = redis.Redis.from_url(celery_app.conf.broker_url)
    waiting = client.llen(queue)
    client.delete(queue)
    return int(waiting)


def test_flushed_broker_loses_no_job(admin_user):
    _drop_queued_messages()  # what earlier tests left behind
    job = imports.start_upload_import(
        user=admin_user, files=[("a.txt", "\n\n".join(paragraphs_for(600)).encode())]
    )
    assert _drop_queued_messages() == 1  # the job's message is gone
    assert _drop_queued_messages() == 0
    with running_worker():
        imports.requeue_stale_jobs(stale_after=0)
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, what="the job")
    job.refresh_from_db()
    assert (job.status, job.imported) == (JobStatus.SUCCEEDED, 1)
    assert Article.objects.count() == 1
