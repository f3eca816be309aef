"""Running import jobs item by item, exactly once, and reporting their progress.

A job's items are rows. The worker claims one item at a time with a conditional UPDATE
(pending → running, stamping claimed_at) and then writes the item's outcome - the article, or
the child items of a zip/JSONL file/feed - in ONE transaction whose last statement is another
conditional UPDATE on (running, that same claimed_at). If a worker is killed, its transaction
never commits and the item is still "running"; `requeue_stale_jobs` puts such items back to
pending. If a slow worker's item was handed to another worker meanwhile, the slow one's final
UPDATE matches no row, so its transaction rolls back: every item has exactly one outcome.
Network fetches and text extraction happen before that transaction, never inside it.

The broker only carries "job N has work"; losing that message loses nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from annotations.models import (
    Feed,
    FeedEntry,
    ImportItem,
    ImportJob,
    ItemStatus,
    JobStatus,
    VerdictScale,
)
from claims.services import hooks as claims_hooks

from ..bulk_insert import bulk_insert
from . import batch as batches
from . import sources
from .fetch import FetchError
from .sources import ArticleDraft, ChildInput, ItemError
from .store import store_draft

log = logging.getLogger(__name__)

UNFINISHED = (ItemStatus.PENDING, ItemStatus.RUNNING)
HEARTBEAT_SECONDS = 1.0
PARALLEL_MIN_ITEMS = 100  # a container with fewer children is not worth a second task


@dataclass(frozen=True)
class ImportInput:
    """One item of a new job. `metadata["kind"]`: file (default), url, jsonl, feed, entry."""

    name: str
    payload: bytes | None = None
    metadata: dict[str, Any] | None = None


def claim_heartbeat_seconds() -> float:
    """How often a working task refreshes the heartbeat of the items it holds."""
    return min(5.0, settings.IMPORT_CLAIM_STALE_SECONDS / 3)


def stale_claims(*, now: Any = None, stale_after: float | None = None) -> Any:
    """Running items whose worker stopped refreshing their heartbeat (killed, or cut off)."""
    seconds = settings.IMPORT_CLAIM_STALE_SECONDS if stale_after is None else stale_after
    cutoff = (now or timezone.now()) - timedelta(seconds=seconds)
    return ImportItem.objects.filter(
        Q(heartbeat_at__lte=cutoff) | Q(heartbeat_at__isnull=True, claimed_at__lte=cutoff),
        status=ItemStatus.RUNNING,
    )


class _ClaimKeeper:
    """Keeps this task's claims alive from a thread while the main thread works on an item.

    The main thread may spend long on one item (a slow URL, a big zip); the heartbeat tells
    `requeue_stale_jobs` that a live worker still holds it, so a short stale timeout can
    requeue the items of a dead worker quickly without taking slow items from live ones.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._held: dict[int, Any] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Inside a transaction (tests wrap each test in one) our rows are invisible to a
        # second connection, and on SQLite it would wait for the write lock: no keeper.
        if not connection.in_atomic_block:
            self._thread = threading.Thread(target=self._run, daemon=True, name="claim-keeper")
            self._thread.start()

    def hold(self, items: list[ImportItem]) -> None:
        with self._lock:
            self._held = {item.pk: item.claimed_at for item in items}

    def release(self, item: ImportItem) -> None:
        with self._lock:
            self._held.pop(item.pk, None)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _run(self) -> None:
        try:
            while not self._stop.wait(claim_heartbeat_seconds()):
                try:
                    self._beat()
                except Exception:  # database away for a moment: beat again next time
                    log.warning("claim heartbeat of import job %s failed", self.job_id)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    def _beat(self) -> None:
        with self._lock:
            held = dict(self._held)
        if not held:
            return
        now = timezone.now()
        mine = Q()
        for pk, claimed_at in held.items():
            mine |= Q(pk=pk, claimed_at=claimed_at)
        ImportItem.objects.filter(mine, status=ItemStatus.RUNNING).update(heartbeat_at=now)
        ImportJob.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(heartbeat_at=now)


class _LostClaim(Exception):
    """Our claim on an item was taken over (we were presumed dead): undo our work."""


def create_import_job(
    *,
    user: Any,
    kind: str,
    inputs: Iterable[ImportInput],
    label: str = "",
    source: str = "",
    options: dict[str, Any] | None = None,
) -> ImportJob:
    """Store a job and its items, then enqueue it once the transaction commits."""
    from annotations import tasks

    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=user if getattr(user, "is_authenticated", False) else None,
            kind=kind,
            label=label[:300],
            source=source[:200],
            options=options or {},
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
        ImportItem.objects.bulk_create(items, batch_size=500)
        job.total = len(items)
        job.save(update_fields=["total"])
        transaction.on_commit(lambda: tasks.run_import_job.delay(job.pk))
    return job


def run_import_job(*, job_id: int) -> None:
    """Process every pending item of a job. Safe to run twice, concurrently, or after a crash."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(
        pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).update(status=JobStatus.RUNNING, heartbeat_at=now)
    if not claimed:
        return  # finished already, or deleted
    ImportJob.objects.filter(pk=job_id, started_at__isnull=True).update(started_at=now)
    context = _RunContext.load(job_id)
    keeper = _ClaimKeeper(job_id)
    try:
        _run_items(job_id, context, keeper)
    finally:
        keeper.stop()
    _finish_job(job_id)


def _run_items(job_id: int, context: _RunContext, keeper: _ClaimKeeper) -> None:
    last_beat = time.monotonic()
    batch_size = 1
    # JSONL lines: while one batch is stored, the next is already claimed and being prepared
    # (parsed, cleaned, hashed) in a thread. Its items are held like the current ones, so a
    # dead worker's look-ahead is requeued with the rest.
    ahead: tuple[list[ImportItem], Future[list[Any]] | None] | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-prepare") as pool:
        while True:
            if ahead is not None:
                (batch, prepared), ahead = ahead, None
            else:
                batch, prepared = _claim_items(job_id, limit=batch_size), None
            if not batch:
                if ImportItem.objects.filter(job_id=job_id, status=ItemStatus.PENDING).exists():
                    continue  # another worker won the ones we tried; try the next ones
                break
            lines = [i for i in batch if _is_line(i)]
            if _is_line(batch[-1]):
                batch_size = batches.next_batch_size(batch_size)
            else:
                batch_size = 1
            if lines:  # JSONL lines / JSON elements: one transaction per batch (batch.py)
                entries = prepared.result() if prepared else batches.prepare_batch(lines)
                if _is_line(batch[-1]):
                    following = _claim_items(job_id, limit=batch_size)
                    if following and all(_is_line(i) for i in following):
                        ahead = (following, pool.submit(_prepare_off_thread, following))
                    elif following:
                        ahead = (following, None)
                    keeper.hold([*batch, *following])
                else:
                    keeper.hold(batch)
                batches.store_batch(
                    entries, job_id=job_id, source=context.source,
                    scale_id=context.verdict_scale_id,
                )  # fmt: skip
                for item in lines:
                    keeper.release(item)
            else:
                keeper.hold(batch)
            for item in batch:
                if _is_line(item):
                    continue
                _process_item(item, context)
                keeper.release(item)
                last_beat = _beat(job_id, last_beat)
            if lines:
                last_beat = _beat(job_id, last_beat)


def _beat(job_id: int, last_beat: float) -> float:
    """Heartbeat and counts of the job at most every HEARTBEAT_SECONDS (a write per item
    would cost more than importing a small item on a busy database); the new last beat."""
    if time.monotonic() - last_beat < HEARTBEAT_SECONDS:
        return last_beat
    ImportJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())
    refresh_counts(job_id=job_id)
    return time.monotonic()


def _is_line(item: ImportItem) -> bool:
    """A JSONL line / JSON element: small and quick, imported in growing batches (10, 40,
    160, 250). Anything that may be slow (a URL, a zip) is claimed alone, so a claim never
    waits long behind other items."""
    return item.metadata.get("kind") == "jsonl"


def _prepare_off_thread(items: list[ImportItem]) -> list[Any]:
    try:
        return batches.prepare_batch(items)
    finally:
        connection.close()  # this thread's own connection, if a payload had to be read


@dataclass(frozen=True)
class _RunContext:
    """What every item of one run needs, read once."""

    job_id: int
    source: str
    verdict_scale_id: int

    @classmethod
    def load(cls, job_id: int) -> _RunContext:
        source = ImportJob.objects.values_list("source", flat=True).get(pk=job_id)
        return cls(job_id, source, VerdictScale.objects.default().pk)


def _claim_items(job_id: int, *, limit: int = 1) -> list[ImportItem]:
    """Claim up to `limit` pending items of the job (in position order) for this worker."""
    pending = ImportItem.objects.filter(job_id=job_id, status=ItemStatus.PENDING)
    ids = list(pending.order_by("position").values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    stamp = timezone.now()
    # Conditional UPDATE: an item another worker took meanwhile is not ours. The stamp is our
    # claim token: the outcome is written only while the item still carries it.
    ImportItem.objects.filter(pk__in=ids, status=ItemStatus.PENDING).update(
        status=ItemStatus.RUNNING, claimed_at=stamp, heartbeat_at=stamp
    )
    won = ImportItem.objects.filter(pk__in=ids, status=ItemStatus.RUNNING, claimed_at=stamp)
    items = list(won.order_by("position").defer("payload"))
    small = [i.pk for i in items if _is_line(i)]
    if small:  # one query for the payloads of a batch of JSONL lines
        payloads = dict(ImportItem.objects.filter(pk__in=small).values_list("pk", "payload"))
        for item in items:
            if item.pk in payloads:
                item._payload = bytes(payloads[item.pk] or b"")
    return items


def _finish_item(item: ImportItem, **fields: Any) -> None:
    """Record the outcome, if our claim still holds; else roll the enclosing transaction back."""
    updated = ImportItem.objects.filter(
        pk=item.pk, status=ItemStatus.RUNNING, claimed_at=item.claimed_at
    ).update(finished_at=timezone.now(), **fields)
    if not updated:
        raise _LostClaim(item.pk)


def _prepare(item: ImportItem) -> ArticleDraft | list[ChildInput] | tuple[Feed, list[Any]]:
    """The slow part, outside any transaction: fetch, decode, extract, expand."""
    kind = item.metadata.get("kind") or "file"
    name = item.name
    if kind == "error":
        raise ItemError(sources.child_error(name, item.metadata.get("error", "")))
    if kind in ("url", "entry"):
        if item.metadata.get("link_error"):
            raise ItemError(f"{name}: {item.metadata['link_error']}.")
        url = item.metadata.get("url") or name
        if not url:
            raise ItemError(f"{name}: the feed entry has no link to fetch.")
        draft = sources.draft_from_url(name, url)
        draft.source_id = item.metadata.get("guid", "") or draft.source_id
        draft.source = item.metadata.get("source", "") or draft.source
        draft.title = draft.title or item.metadata.get("title", "")
        return draft
    if kind == "feed":
        feed = Feed.objects.get(pk=item.metadata["feed_id"])
        try:
            title, entries = sources.fetch_feed(feed.url)
        except (ItemError, FetchError) as exc:
            Feed.objects.filter(pk=feed.pk).update(last_error=str(exc)[:2000])
            raise
        if title and not feed.title:
            Feed.objects.filter(pk=feed.pk).update(title=title[:300])
        return feed, entries
    payload = getattr(item, "_payload", None)
    if payload is None:  # big payloads (files, zips) are read one at a time
        payload = bytes(ImportItem.objects.values_list("payload", flat=True).get(pk=item.pk) or b"")
    if len(payload) > settings.IMPORT_MAX_BYTES:
        raise ItemError(f"{name}: larger than the limit of {settings.IMPORT_MAX_BYTES} bytes.")
    if kind == "jsonl":
        return sources.draft_from_jsonl_line(name, payload)
    file_kind = sources.file_kind(name)
    if file_kind == "zip":
        return sources.expand_zip(name, payload)
    if file_kind == "jsonl":
        return sources.expand_jsonl(name, payload)
    if file_kind == "json":
        return sources.expand_json(name, payload)
    return sources.draft_from_file(name, payload)


def _process_item(item: ImportItem, context: _RunContext) -> None:
    try:
        prepared = _prepare(item)
        with transaction.atomic():
            if isinstance(prepared, ArticleDraft):
                outcome = store_draft(
                    draft=prepared,
                    job_id=item.job_id,
                    default_source=context.source,
                    verdict_scale_id=context.verdict_scale_id,
                )
                _finish_item(
                    item,
                    status=outcome.status,
                    article=outcome.article,
                    duplicate_of=outcome.duplicate_of,
                    similarity=outcome.similarity,
                )
            elif isinstance(prepared, tuple):
                _add_feed_entries(item, *prepared)
            else:
                _add_children(item, prepared)
    except _LostClaim:
        log.warning("import item %s was taken over by another worker; dropped our result", item)
    except (ItemError, FetchError) as exc:
        _fail(item, str(exc))
    except Exception as exc:  # one bad item must not stop the job; the reason is kept
        log.exception("import item %s failed", item.pk)
        _fail(item, f"{item.name}: unexpected error while importing: {type(exc).__name__}: {exc}")


def _fail(item: ImportItem, reason: str) -> None:
    ImportItem.objects.filter(
        pk=item.pk, status=ItemStatus.RUNNING, claimed_at=item.claimed_at
    ).update(status=ItemStatus.FAILED, error=reason[:5000], finished_at=timezone.now())


def _next_position(job_id: int) -> int:
    # The job row lock serialises expansions of the same job (positions are unique per job).
    ImportJob.objects.select_for_update().filter(pk=job_id).values_list("pk").get()
    top = ImportItem.objects.filter(job_id=job_id).aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


def _add_children(item: ImportItem, children: list[ChildInput]) -> None:
    start = _next_position(item.job_id)
    bulk_insert(
        [
            ImportItem(
                job_id=item.job_id,
                position=start + i,
                name=child.name[:2000],
                payload=child.payload,
                metadata={**child.metadata, "kind": child.kind, "parent": item.pk},
            )
            for i, child in enumerate(children)
        ]
    )
    _finish_item(item, status=ItemStatus.EXPANDED, payload=None)
    # Items are claimed one by one, so several workers can share a big job: send a few more
    # messages for it. Each extra task is harmless if there is nothing left to claim.
    extra = min(settings.IMPORT_PARALLEL_TASKS - 1, len(children) // PARALLEL_MIN_ITEMS)
    if extra > 0:
        from annotations import tasks

        transaction.on_commit(
            lambda: [tasks.run_import_job.delay(item.job_id) for _ in range(extra)]
        )


def _add_feed_entries(item: ImportItem, feed: Feed, entries: list[dict[str, Any]]) -> None:
    seen = set(
        FeedEntry.objects.filter(feed=feed, guid__in=[e["guid"] for e in entries]).values_list(
            "guid", flat=True
        )
    )
    new, guids = [], set()
    for entry in entries:
        if entry["guid"] not in seen and entry["guid"] not in guids:
            guids.add(entry["guid"])
            new.append(entry)
    start = _next_position(item.job_id)
    children = ImportItem.objects.bulk_create(
        [
            ImportItem(
                job_id=item.job_id,
                position=start + i,
                name=(entry["url"] or entry["title"] or entry["guid"])[:2000],
                metadata={**entry, "kind": "entry", "source": feed.source, "parent": item.pk},
            )
            for i, entry in enumerate(new)
        ]
    )
    # The unique (feed, guid) constraint is the backstop against two polls of one feed.
    FeedEntry.objects.bulk_create(
        [
            FeedEntry(feed=feed, guid=e["guid"], url=e["url"], title=e["title"], import_item=child)
            for e, child in zip(new, children, strict=True)
        ]
    )
    Feed.objects.filter(pk=feed.pk).update(last_error="", last_polled_at=timezone.now())
    _finish_item(
        item, status=ItemStatus.EXPANDED, metadata={**item.metadata, "new_entries": len(new)}
    )


def refresh_counts(*, job_id: int) -> None:
    leaves = ImportItem.objects.filter(job_id=job_id).exclude(status=ItemStatus.EXPANDED)
    counts = leaves.aggregate(
        seen=Count("pk", filter=~Q(status__in=UNFINISHED)),
        imported=Count("pk", filter=Q(status=ItemStatus.IMPORTED)),
        revised=Count("pk", filter=Q(status=ItemStatus.REVISED)),
        duplicates=Count("pk", filter=Q(status=ItemStatus.DUPLICATE)),
        failed=Count("pk", filter=Q(status=ItemStatus.FAILED)),
        total=Count("pk"),
    )
    ImportJob.objects.filter(pk=job_id).update(**counts)


def _finish_job(job_id: int) -> None:
    # Look for unfinished items BEFORE counting: counted first, another worker's last batch
    # could commit in between, and the job would be marked finished with its counts short.
    if ImportItem.objects.filter(job_id=job_id, status__in=UNFINISHED).exists():
        refresh_counts(job_id=job_id)
        return  # another worker still holds an item; it finishes the job
    refresh_counts(job_id=job_id)
    job = ImportJob.objects.get(pk=job_id)
    if job.failed and not (job.imported or job.revised or job.duplicates):
        status = JobStatus.FAILED
    elif job.failed:
        status = JobStatus.PARTLY_FAILED
    else:
        status = JobStatus.SUCCEEDED
    finished = ImportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=status, finished_at=timezone.now()
    )
    if finished and (job.imported or job.revised) and _had_lines(job_id):
        # Claim suggestions and matching for what the batch path stored (articles stored
        # one at a time have their own task already, see store.py).
        claims_hooks.import_finished(job_id)


def _had_lines(job_id: int) -> bool:
    return ImportItem.objects.filter(job_id=job_id, metadata__kind="jsonl").exists()


def requeue_stale_jobs(
    *, stale_after: float | None = None, claim_stale_after: float | None = None
) -> list[int]:
    """Send again every job whose worker went silent (killed, or its message was lost).

    A job is stale when it is running with no heartbeat, or still queued, for `stale_after`
    seconds (default settings.IMPORT_STALE_AFTER_SECONDS). An item is stale when its claim's
    heartbeat is older than `claim_stale_after` (default settings.IMPORT_CLAIM_STALE_SECONDS):
    no live worker holds it, even if other workers still run the job. Stale items go back to
    pending and their job is sent again. Running this while the worker is alive is harmless:
    a second delivery claims nothing that is taken, and an item taken over keeps only one
    outcome.
    """
    from annotations import tasks

    seconds = settings.IMPORT_STALE_AFTER_SECONDS if stale_after is None else stale_after
    now = timezone.now()
    cutoff = now - timedelta(seconds=seconds)
    stale = set(
        ImportJob.objects.filter(
            Q(status=JobStatus.RUNNING, heartbeat_at__lte=cutoff)
            | Q(status=JobStatus.RUNNING, heartbeat_at__isnull=True)
            | Q(status=JobStatus.QUEUED, created_at__lte=cutoff)
        ).values_list("pk", flat=True)
    )
    for job_id in stale:
        ImportItem.objects.filter(
            job_id=job_id, status=ItemStatus.RUNNING, claimed_at__lte=cutoff
        ).update(status=ItemStatus.PENDING, claimed_at=None, heartbeat_at=None)
    abandoned = stale_claims(now=now, stale_after=claim_stale_after)
    jobs = set(abandoned.values_list("job_id", flat=True).distinct())
    # The UPDATE re-checks staleness, so a claim refreshed meanwhile stays with its worker
    # (its job then gets one harmless extra message).
    if jobs and abandoned.update(status=ItemStatus.PENDING, claimed_at=None, heartbeat_at=None):
        stale |= jobs
    for job_id in sorted(stale):
        ImportJob.objects.filter(pk=job_id).update(
            heartbeat_at=timezone.now(), attempts=F("attempts") + 1
        )
        tasks.run_import_job.delay(job_id)
    return sorted(stale)
