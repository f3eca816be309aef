"""Starting imports: uploads, URL lists, the command line, and feeds (registering, polling).

These check what can be checked before a job exists (file types, sizes, URL syntax) and raise
ImportRequestError for requests that cannot start; everything else is an item-level outcome.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from annotations.models import Feed, ImportJob, JobKind

from .fetch import check_url_syntax
from .jobs import ImportInput, create_import_job
from .sources import SUPPORTED_EXTENSIONS, extension


class ImportRequestError(ValueError):
    """An import request that cannot start; the message says what was wrong."""


def _read_capped(name: str, data: IO[bytes] | bytes) -> bytes:
    """The file's bytes, refusing (without reading it whole) a file over IMPORT_MAX_BYTES."""
    limit = settings.IMPORT_MAX_BYTES
    too_big = ImportRequestError(
        f"{name} is larger than the limit of {limit} bytes (IMPORT_MAX_BYTES)."
    )
    if isinstance(data, bytes | bytearray | memoryview):
        if len(data) > limit:
            raise too_big
        return bytes(data)
    size = getattr(data, "size", None)  # Django's UploadedFile knows its size up front
    if isinstance(size, int) and size > limit:
        raise too_big
    content = data.read(limit + 1)
    if len(content) > limit:
        raise too_big
    return content


def start_upload_import(
    *,
    user: Any,
    files: list[tuple[str, IO[bytes] | bytes]],
    source: str = "",
    via: str = "ui",
) -> ImportJob:
    """Create an import job from uploaded files (.txt, .html/.htm, .jsonl, .zip) and enqueue it.

    Raises ImportRequestError when there are no files, a file type is unsupported (named), or
    a file is over IMPORT_MAX_BYTES (checked before reading it whole).
    """
    if not files:
        raise ImportRequestError("No files were given.")
    unsupported = [name for name, _ in files if extension(name) not in SUPPORTED_EXTENSIONS]
    if unsupported:
        raise ImportRequestError(
            f"Unsupported file type: {', '.join(unsupported)}. "
            f"Supported: {', '.join(SUPPORTED_EXTENSIONS)}."
        )
    inputs = [
        ImportInput(name=Path(name).name or name, payload=_read_capped(name, data))
        for name, data in files
    ]
    kind = (
        JobKind.JSONL
        if all(extension(n) in (".jsonl", ".json") for n, _ in files)
        else JobKind.UPLOAD
    )
    label = files[0][0] if len(files) == 1 else f"{files[0][0]} and {len(files) - 1} more"
    return create_import_job(
        user=user, kind=kind, inputs=inputs, label=label, source=source, options={"via": via}
    )


def _check_urls(urls: list[str]) -> list[str]:
    cleaned = [u.strip() for u in urls if u and u.strip()]
    if not cleaned:
        raise ImportRequestError("No URLs were given.")
    bad = [f"{u} ({problem})" for u in cleaned if (problem := check_url_syntax(u))]
    if bad:
        raise ImportRequestError(f"Not importable: {'; '.join(bad)}.")
    return list(dict.fromkeys(cleaned))  # the same URL twice in one request is one item


def start_url_import(*, user: Any, urls: list[str], source: str = "", via: str = "ui") -> ImportJob:
    """Create a job that fetches each URL (SSRF-guarded, in the worker) and enqueue it.

    Raises ImportRequestError for an empty list or malformed URLs (each one named).
    """
    cleaned = _check_urls(urls)
    inputs = [ImportInput(name=u, metadata={"kind": "url", "url": u}) for u in cleaned]
    label = cleaned[0] if len(cleaned) == 1 else f"{len(cleaned)} URLs"
    return create_import_job(
        user=user, kind=JobKind.URLS, inputs=inputs, label=label, source=source,
        options={"via": via},
    )  # fmt: skip


def start_command_import(*, user: Any, targets: list[str], source: str = "") -> ImportJob:
    """One job for the command line: files, folders (their supported files) and URLs."""
    inputs: list[ImportInput] = []
    for target in targets:
        if target.startswith(("http://", "https://")):
            inputs.extend(
                ImportInput(name=u, metadata={"kind": "url", "url": u})
                for u in _check_urls([target])
            )
            continue
        path = Path(target)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS
            )
            if not found:
                raise ImportRequestError(f"{target}: no {', '.join(SUPPORTED_EXTENSIONS)} files.")
        elif path.is_file():
            if extension(path.name) not in SUPPORTED_EXTENSIONS:
                raise ImportRequestError(f"{target}: unsupported file type.")
            found = [path]
        else:
            raise ImportRequestError(f"{target}: no such file or folder, and not an http(s) URL.")
        for p in found:
            if p.stat().st_size > settings.IMPORT_MAX_BYTES:
                raise ImportRequestError(
                    f"{p} is larger than the limit of {settings.IMPORT_MAX_BYTES} bytes."
                )
            inputs.append(ImportInput(name=p.name, payload=p.read_bytes()))
    if not inputs:
        raise ImportRequestError("Nothing to import: give files, folders or URLs.")
    label = targets[0] if len(targets) == 1 else f"{targets[0]} and {len(targets) - 1} more"
    return create_import_job(
        user=user, kind=JobKind.COMMAND, inputs=inputs, label=label, source=source,
        options={"via": "command"},
    )  # fmt: skip


# --- feeds -----------------------------------------------------------------------------------


def register_feed(
    *, user: Any, url: str, source: str = "", interval_minutes: int = 60, title: str = ""
) -> Feed:
    """Register an RSS/Atom feed to be polled every `interval_minutes` (first poll: now)."""
    url = url.strip()
    problem = check_url_syntax(url)
    if problem:
        raise ImportRequestError(f"{url or 'The feed URL'}: {problem}.")
    if interval_minutes < 1:
        raise ImportRequestError("The poll interval must be at least 1 minute.")
    if Feed.objects.filter(url=url).exists():
        raise ImportRequestError(f"{url} is registered already.")
    return Feed.objects.create(
        url=url,
        title=title[:300],
        source=source[:200],
        interval_minutes=interval_minutes,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        next_poll_at=timezone.now(),
    )


def poll_feed_now(*, feed: Feed, user: Any = None) -> ImportJob | None:
    """Claim one feed (if nobody else just did) and create its FEED job."""
    now = timezone.now()
    with transaction.atomic():
        # Conditional UPDATE on the value we read: two beat ticks (or a click and a tick)
        # never create two jobs for one due poll.
        claimed = Feed.objects.filter(pk=feed.pk, next_poll_at=feed.next_poll_at).update(
            next_poll_at=now + timedelta(minutes=feed.interval_minutes), last_polled_at=now
        )
        if not claimed:
            return None
        return create_import_job(
            user=user,
            kind=JobKind.FEED,
            inputs=[ImportInput(name=feed.url, metadata={"kind": "feed", "feed_id": feed.pk})],
            label=feed.title or feed.url,
            source=feed.source,
            options={"via": "task", "feed_id": feed.pk},
        )


def poll_due_feeds() -> list[int]:
    """Create one FEED job per active feed that is due (next_poll_at <= now); return job ids."""
    now = timezone.now()
    due = Feed.objects.filter(is_active=True).filter(
        Q(next_poll_at__lte=now) | Q(next_poll_at__isnull=True)
    )
    jobs = []
    for feed in due:
        job = poll_feed_now(feed=feed)
        if job is not None:
            jobs.append(job.pk)
    return jobs
