"""Celery tasks: thin, take primitive ids, call one service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from annotations.services import imports


@shared_task(acks_late=True)
def run_import_job(job_id: int) -> None:
    imports.run_import_job(job_id=job_id)


@shared_task
def requeue_stale_jobs() -> list[int]:
    return imports.requeue_stale_jobs()


@shared_task
def poll_due_feeds() -> list[int]:
    """Beat entry: one FEED job per due feed (the job fetches it, so nothing runs here)."""
    return imports.poll_due_feeds()
