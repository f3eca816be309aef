"""A job is marked finished only with the counts of all its items (two workers racing)."""

from __future__ import annotations

from unittest import mock

import pytest

from annotations.models import ImportItem, ImportJob, ItemStatus, JobKind, JobStatus
from annotations.services import imports
from annotations.services.importing import jobs

pytestmark = pytest.mark.django_db


def test_a_batch_committed_while_another_worker_finishes_is_counted():
    job = imports.create_import_job(
        user=None,
        kind=JobKind.UPLOAD,
        label="two workers",
        inputs=[imports.ImportInput(name=f"{n}.txt", payload=b"x") for n in range(3)],
    )
    items = list(ImportItem.objects.filter(job=job).order_by("position"))
    ImportItem.objects.filter(pk__in=[i.pk for i in items[:2]]).update(status=ItemStatus.IMPORTED)
    ImportItem.objects.filter(pk=items[2].pk).update(status=ItemStatus.RUNNING)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    real = jobs.refresh_counts

    def other_worker_commits_right_after_counting(*, job_id: int) -> None:
        real(job_id=job_id)
        # The other worker's last item is committed just after this worker counted.
        ImportItem.objects.filter(pk=items[2].pk).update(status=ItemStatus.IMPORTED)

    with mock.patch.object(jobs, "refresh_counts", other_worker_commits_right_after_counting):
        jobs._finish_job(job.pk)  # this worker: the other one still held an item
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING or job.imported == 3
    jobs._finish_job(job.pk)  # the other worker, after its commit
    job.refresh_from_db()
    assert (job.status, job.imported, job.total) == (JobStatus.SUCCEEDED, 3, 3)
