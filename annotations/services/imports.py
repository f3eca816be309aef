"""Importing articles: the public names, re-exported from annotations.services.importing.

Views, the REST API, tasks and commands import from here; the implementation lives in the
importing package (one module per concern).
"""

from __future__ import annotations

from annotations.services.importing import (
    NO_WORKER_MESSAGE,
    SUPPORTED_EXTENSIONS,
    FetchError,
    ImportInput,
    ImportRequestError,
    ItemError,
    RestoreError,
    create_import_job,
    find_previous_version,
    job_progress,
    no_worker_warning,
    poll_due_feeds,
    poll_feed_now,
    refresh_counts,
    register_feed,
    requeue_stale_jobs,
    restore_removed_lines,
    run_import_job,
    start_command_import,
    start_upload_import,
    start_url_import,
)
from annotations.text import content_hash, normalize_text

__all__ = [
    "NO_WORKER_MESSAGE",
    "SUPPORTED_EXTENSIONS",
    "FetchError",
    "ImportInput",
    "ImportRequestError",
    "ItemError",
    "RestoreError",
    "content_hash",
    "create_import_job",
    "find_previous_version",
    "job_progress",
    "no_worker_warning",
    "normalize_text",
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
