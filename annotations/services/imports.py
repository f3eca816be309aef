"""Importing articles: creating jobs, running them item by item, exactly once.

A job's items are rows. The worker claims one item at a time with a conditional UPDATE
(pending → running) and writes the article and the item's outcome in one transaction, so a
worker killed at any point leaves each item either untouched or done. `requeue_stale_jobs`
hands jobs whose worker went silent back to the queue; their half-claimed items go back to
pending. The broker only carries "job N has work"; losing that message loses nothing.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from annotations.models import (
    Article,
    ImportItem,
    ImportJob,
    ItemStatus,
    JobKind,
    JobStatus,
    VerdictScale,
)

log = logging.getLogger(__name__)


class ItemError(Exception):
    """An item cannot be imported; the message is shown to the admin as the reason."""


@dataclass(frozen=True)
class ImportInput:
    name: str
    payload: bytes | None = None
    metadata: dict[str, Any] | None = None


def create_import_job(
    *,
    user: Any,
    kind: JobKind | str,
    inputs: Iterable[ImportInput],
    label: str = "",
    source: str = "",
) -> ImportJob:
    """Store a job and its items, then enqueue it once the transaction commits."""
    from annotations import tasks

    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=user if getattr(user, "is_authenticated", False) else None,
            kind=kind,
            label=label[:300],
            source=source[:200],
        )
        items = [
            ImportItem(
                job=job,
                position=i,
                name=inp.name[:2000],
                payload=inp.payload,
                metadata=inp.metadata or {},
            )
            for i, inp in enumerate(inputs)
        ]
        ImportItem.objects.bulk_create(items)
        job.total = len(items)
        job.save(update_fields=["total"])
        transaction.on_commit(lambda: tasks.run_import_job.delay(job.pk))
    return job


def run_import_job(*, job_id: int) -> None:
    """Process every pending item of a job. Safe to run twice, or after a crash."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(
        pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).update(status=JobStatus.RUNNING, heartbeat_at=now)
    if not claimed:
        return  # finished already, or deleted
    ImportJob.objects.filter(pk=job_id, started_at__isnull=True).update(started_at=now)
    while (item := _claim_next_item(job_id)) is not None:
        _process_item(item)
        ImportJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())
        refresh_counts(job_id=job_id)
    _finish_job(job_id)


def _claim_next_item(job_id: int) -> ImportItem | None:
    for item in ImportItem.objects.filter(job_id=job_id, status=ItemStatus.PENDING).order_by(
        "position"
    )[:5]:
        # Conditional UPDATE: only one worker wins an item.
        won = ImportItem.objects.filter(pk=item.pk, status=ItemStatus.PENDING).update(
            status=ItemStatus.RUNNING, claimed_at=timezone.now()
        )
        if won:
            item.status = ItemStatus.RUNNING
            return item
    return None


def _process_item(item: ImportItem) -> None:
    try:
        with transaction.atomic():
            outcome = import_text_item(item)
            ImportItem.objects.filter(pk=item.pk).update(finished_at=timezone.now(), **outcome)
    except ItemError as exc:
        ImportItem.objects.filter(pk=item.pk).update(
            status=ItemStatus.FAILED, error=str(exc), finished_at=timezone.now()
        )
    except Exception as exc:  # one bad item must not stop the job; the reason is kept
        log.exception("import item %s failed", item.pk)
        ImportItem.objects.filter(pk=item.pk).update(
            status=ItemStatus.FAILED,
            error=f"Unexpected error while importing: {type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )


def normalise(text: str) -> str:
    """NFC and \\n line endings: the stored text offsets point into."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def import_text_item(item: ImportItem) -> dict[str, Any]:
    """Turn one item into an article, or report it as a duplicate. Runs in a transaction."""
    raw_bytes = bytes(item.payload or b"")
    try:
        raw = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ItemError(f"{item.name}: not UTF-8 text.") from None
    text = normalise(raw).strip()
    if len(text) < settings.IMPORT_MIN_CHARS:
        raise ItemError(
            f"{item.name}: too short ({len(text)} characters; at least "
            f"{settings.IMPORT_MIN_CHARS} needed)."
        )
    digest = content_hash(text)
    existing = Article.objects.filter(content_hash=digest).first()
    if existing is not None:
        return {"status": ItemStatus.DUPLICATE, "duplicate_of": existing, "similarity": 1.0}
    first_line = text.split("\n", 1)[0].strip()
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=(item.metadata.get("title") or first_line)[:500],
                source=(item.metadata.get("source") or item.job.source)[:200],
                raw=raw,
                raw_format="text",
                text=text,
                content_hash=digest,
                import_job_id=item.job_id,
                verdict_scale=VerdictScale.objects.default(),
            )
    except IntegrityError:
        # Another worker stored the same text between our check and insert.
        existing = Article.objects.get(content_hash=digest)
        return {"status": ItemStatus.DUPLICATE, "duplicate_of": existing, "similarity": 1.0}
    return {"status": ItemStatus.IMPORTED, "article": article}


def refresh_counts(*, job_id: int) -> None:
    counts = ImportItem.objects.filter(job_id=job_id).aggregate(
        seen=Count("pk", filter=~Q(status__in=[ItemStatus.PENDING, ItemStatus.RUNNING])),
        imported=Count("pk", filter=Q(status__in=[ItemStatus.IMPORTED, ItemStatus.REVISED])),
        duplicates=Count("pk", filter=Q(status=ItemStatus.DUPLICATE)),
        failed=Count("pk", filter=Q(status=ItemStatus.FAILED)),
        total=Count("pk"),
    )
    ImportJob.objects.filter(pk=job_id).update(**counts)


def _finish_job(job_id: int) -> None:
    refresh_counts(job_id=job_id)
    job = ImportJob.objects.get(pk=job_id)
    if ImportItem.objects.filter(
        job_id=job_id, status__in=[ItemStatus.PENDING, ItemStatus.RUNNING]
    ).exists():
        return  # another worker still holds an item; it finishes the job
    if job.failed and not (job.imported or job.duplicates):
        status = JobStatus.FAILED
    elif job.failed:
        status = JobStatus.PARTLY_FAILED
    else:
        status = JobStatus.SUCCEEDED
    ImportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=status, finished_at=timezone.now()
    )


def requeue_stale_jobs() -> list[int]:
    """Send again every job whose worker went silent (killed, or its message was lost)."""
    from annotations import tasks

    cutoff = timezone.now() - timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS)
    stale = list(
        ImportJob.objects.filter(
            Q(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
            | Q(status=JobStatus.QUEUED, created_at__lt=cutoff)
        ).values_list("pk", flat=True)
    )
    for job_id in stale:
        # An item claimed by a dead worker never committed its outcome: claim it afresh.
        ImportItem.objects.filter(
            job_id=job_id, status=ItemStatus.RUNNING, claimed_at__lt=cutoff
        ).update(status=ItemStatus.PENDING, claimed_at=None)
        ImportJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())
        tasks.run_import_job.delay(job_id)
    return stale
