"""Items of a dead worker say "waiting to be retried" and are requeued soon (issue 13 item 21).

Before: the job showed "running 1997/2000" for ~2.5 minutes, because items were only requeued
once the whole job had been silent for IMPORT_STALE_AFTER_SECONDS (120 s), checked every 30 s.
Now each claim has a heartbeat kept by the task that holds it; an item whose heartbeat is
older than IMPORT_CLAIM_STALE_SECONDS has no live worker, whatever the rest of the job does.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from annotations.models import ImportItem, ImportJob, ItemStatus, JobStatus
from annotations.services import imports
from annotations.services.importing import jobs
from tests.httpserver import paragraphs_for


def make_job(user, n=3):
    files = [(f"s{i}.txt", "\n\n".join(paragraphs_for(300 + i)).encode()) for i in range(n)]
    return imports.start_upload_import(user=user, files=files)


def _running_with_one_dead_claim(user):
    """Job still running (other workers beat), one item held by a worker that died 40 s ago."""
    job = make_job(user)
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    dead = jobs._claim_items(job.pk)[0]
    long_ago = timezone.now() - timedelta(seconds=settings.IMPORT_CLAIM_STALE_SECONDS + 10)
    ImportItem.objects.filter(pk=dead.pk).update(claimed_at=long_ago, heartbeat_at=long_ago)
    return job, dead


@pytest.mark.django_db
def test_progress_says_waiting_to_be_retried_for_a_dead_claim(admin_user):
    job, dead = _running_with_one_dead_claim(admin_user)
    live = jobs._claim_items(job.pk)[0]  # a live worker's fresh claim
    progress = imports.job_progress(job)
    by_id = {item["id"]: item for item in progress["items"]}
    assert by_id[dead.pk]["status_display"] == "waiting to be retried"
    assert by_id[live.pk]["status_display"] == "Running"
    assert progress["waiting_retry"] == 1
    assert progress["status_display"] == (
        "Running: 1 item(s) waiting to be retried (their worker stopped)"
    )


@pytest.mark.django_db
def test_dead_claim_is_requeued_while_the_job_still_has_a_heartbeat(admin_user):
    job, dead = _running_with_one_dead_claim(admin_user)
    assert imports.requeue_stale_jobs() == [job.pk]
    item = ImportItem.objects.get(pk=dead.pk)
    assert (item.status, item.claimed_at, item.heartbeat_at) == (ItemStatus.PENDING, None, None)
    imports.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.imported) == (JobStatus.SUCCEEDED, 3)
    assert imports.job_progress(job)["waiting_retry"] == 0


@pytest.mark.django_db
def test_an_old_claim_with_a_fresh_heartbeat_is_left_to_its_worker(admin_user):
    job, dead = _running_with_one_dead_claim(admin_user)
    ImportItem.objects.filter(pk=dead.pk).update(heartbeat_at=timezone.now())
    assert imports.requeue_stale_jobs() == []
    assert ImportItem.objects.get(pk=dead.pk).status == ItemStatus.RUNNING
    assert imports.job_progress(job)["waiting_retry"] == 0


def test_stale_claims_are_requeued_by_a_frequent_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stale-jobs"]
    assert entry["schedule"] <= 10 * settings.BEAT_INTERVAL_SCALE
    assert settings.IMPORT_CLAIM_STALE_SECONDS <= 30


@pytest.mark.django_db(transaction=True)
def test_a_slow_item_keeps_its_claim_alive(admin_user, settings, monkeypatch):
    settings.IMPORT_CLAIM_STALE_SECONDS = 0.3  # heartbeat every 0.1 s
    job = make_job(admin_user, n=1)
    real_prepare = jobs._prepare
    seen: dict[str, object] = {}

    def slow_prepare(item):
        time.sleep(0.8)  # longer than the stale timeout: only the heartbeat keeps the claim
        row = ImportItem.objects.get(pk=item.pk)
        seen["heartbeat_after_claim"] = row.heartbeat_at > row.claimed_at
        seen["requeued"] = imports.requeue_stale_jobs(stale_after=3600)
        return real_prepare(item)

    monkeypatch.setattr(jobs, "_prepare", slow_prepare)
    imports.run_import_job(job_id=job.pk)
    assert seen == {"heartbeat_after_claim": True, "requeued": []}
    job.refresh_from_db()
    assert (job.status, job.imported) == (JobStatus.SUCCEEDED, 1)
