"""The demo set-up imports the five seeds through a real import job on a real worker."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from annotations.models import Article, ImportJob, JobStatus
from tests.worker import running_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_setup_demo_imports_seeds_once_through_a_real_worker():
    out = io.StringIO()
    call_command("setup_demo", stdout=out)
    assert "alice" in out.getvalue() and "queued (5 files)" in out.getvalue()
    job = ImportJob.objects.get()
    assert job.status == JobStatus.QUEUED  # nothing runs inside the command itself
    with running_worker():
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, what="the seed import job")
    job.refresh_from_db()
    assert (job.status, job.imported, job.failed) == (JobStatus.SUCCEEDED, 5, 0)
    assert Article.objects.count() == 5

    again = io.StringIO()
    call_command("setup_demo", stdout=again)
    assert "already exists" in again.getvalue()
    assert ImportJob.objects.count() == 1 and Article.objects.count() == 5
