"""Importing articles: files, URLs, feeds and bulk JSONL as Celery jobs, exactly once.

* starting.py  requests that create jobs (upload, URLs, command line, feeds)
* jobs.py      running a job item by item with claims; re-queueing stale jobs
* progress.py  job progress as JSON-ready data; the "no worker is running" warning
* sources.py   expanding zip/JSONL/feed items and turning inputs into article drafts
* fetch.py     HTTP fetching with the SSRF guard and limits
* store.py     storing drafts (exact and near duplicates), restoring removed lines
"""

from __future__ import annotations

from .fetch import FetchError
from .jobs import (
    ImportInput,
    create_import_job,
    refresh_counts,
    requeue_stale_jobs,
    run_import_job,
)
from .progress import NO_WORKER_MESSAGE, job_progress, no_worker_warning
from .sources import SUPPORTED_EXTENSIONS, ItemError
from .starting import (
    ImportRequestError,
    poll_due_feeds,
    poll_feed_now,
    register_feed,
    start_command_import,
    start_upload_import,
    start_url_import,
)
from .store import RestoreError, find_previous_version, restore_removed_lines

__all__ = [
    "NO_WORKER_MESSAGE",
    "SUPPORTED_EXTENSIONS",
    "FetchError",
    "ImportInput",
    "ImportRequestError",
    "ItemError",
    "RestoreError",
    "create_import_job",
    "find_previous_version",
    "job_progress",
    "no_worker_warning",
    "poll_due_feeds",
    "poll_feed_now",
    "refresh_counts",
    "register_feed",
    "requeue_stale_jobs",
    "restore_removed_lines",
    "run_import_job",
    "start_command_import",
    "start_upload_import",
    "start_url_import",
]
