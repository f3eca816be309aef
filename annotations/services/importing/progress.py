"""Progress of an import job as JSON-ready data, and the "no worker is running" warning."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypedDict

from django.conf import settings
from django.utils import timezone

from annotations.models import ImportJob, ItemStatus, JobStatus


class ItemProgress(TypedDict):
    id: int
    name: str
    status: str
    status_display: str
    article_id: int | None
    duplicate_of_id: int | None
    similarity: float | None
    error: str
    encoding: str  # how the imported article's bytes were decoded ("" for text input)
    encoding_doubtful: bool


class JobProgress(TypedDict):
    id: int
    kind: str
    label: str
    status: str
    status_display: str
    total: int
    seen: int
    imported: int
    revised: int
    duplicates: int
    failed: int
    percent: int
    finished: bool
    no_worker_warning: bool
    no_worker_message: str
    waiting_retry: int
    error: str
    created_at: str
    finished_at: str | None
    items: list[ItemProgress]
    items_offset: int
    items_total: int


NO_WORKER_MESSAGE = (
    "No worker has picked this job up yet: no Celery worker seems to be running. "
    "Start one with `./dev serve` (it starts web, worker and beat) or "
    "`celery -A factcheck worker --beat -l INFO`. The job waits and runs once a worker is up."
)


WAITING_RETRY = "waiting to be retried"


def no_worker_warning(job: ImportJob, *, now: datetime | None = None) -> bool:
    """True when a job has waited for a worker longer than IMPORT_NO_WORKER_WARNING_SECONDS."""
    now = now or timezone.now()
    limit = timedelta(seconds=settings.IMPORT_NO_WORKER_WARNING_SECONDS)
    if job.status == JobStatus.QUEUED:
        return now - job.created_at > limit
    if job.status == JobStatus.RUNNING and job.heartbeat_at is not None:
        # Running, but silent for longer than a job is allowed to be: its worker died.
        return now - job.heartbeat_at > timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS)
    return False


def job_progress(
    job: ImportJob, *, offset: int = 0, limit: int = 100, refresh: bool = True
) -> JobProgress:
    """JSON-ready progress of a job, with one page of its items (containers left out).

    `limit=0` leaves the items out (no query: for lists of jobs); `refresh=False` trusts the
    counts already on `job` (a list just read from the database).
    """
    from .jobs import stale_claims

    if refresh:
        job.refresh_from_db()
    # Items whose worker died mid-way: still "running" in the database until the next
    # requeue_stale_jobs run, but nobody is working on them.
    waiting = (
        set(stale_claims().filter(job_id=job.pk).values_list("pk", flat=True))
        if job.status == JobStatus.RUNNING
        else set()
    )
    leaves = job.items.exclude(status=ItemStatus.EXPANDED).order_by("position")
    limit = max(0, min(limit, 500))
    offset = max(0, offset)
    items: list[ItemProgress] = (
        [
            {
                "id": row["pk"],
                "name": row["name"],
                "status": row["status"],
                "status_display": (
                    WAITING_RETRY if row["pk"] in waiting else ItemStatus(row["status"]).label
                ),
                "article_id": row["article_id"],
                "duplicate_of_id": row["duplicate_of_id"],
                "similarity": row["similarity"],
                "error": row["error"],
                "encoding": row["article__raw_encoding"] or "",
                "encoding_doubtful": bool(row["article__encoding_doubtful"]),
            }
            for row in leaves.values(
                "pk",
                "name",
                "status",
                "article_id",
                "duplicate_of_id",
                "similarity",
                "error",
                "article__raw_encoding",
                "article__encoding_doubtful",
            )[offset : offset + limit]
        ]
        if limit
        else []
    )
    warn = no_worker_warning(job)
    return {
        "id": job.pk,
        "kind": job.kind,
        "label": job.label,
        "status": job.status,
        "status_display": (
            f"{job.get_status_display()}: {len(waiting)} item(s) waiting to be retried "
            "(their worker stopped)"
            if waiting
            else job.get_status_display()
        ),
        "total": job.total,
        "seen": job.seen,
        "imported": job.imported,
        "revised": job.revised,
        "duplicates": job.duplicates,
        "failed": job.failed,
        "percent": 100 if job.is_finished else int(100 * job.seen / job.total) if job.total else 0,
        "finished": job.is_finished,
        "no_worker_warning": warn,
        "no_worker_message": NO_WORKER_MESSAGE if warn else "",
        "waiting_retry": len(waiting),
        "error": job.error,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "items": items,
        "items_offset": offset,
        "items_total": job.total,
    }
