"""What the annotations app calls (one line each) so claims work follows imports and edits."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)

#: The Annotation field a span write must save for span_saving to take effect.
PENDING_FIELD = "claims_pending"
# A task enqueued for a later time is taken as covering a span committed now only if it starts
# at least this long after now: room for the worker's clock to run ahead of the web's.
CLOCK_MARGIN_SECONDS = 1.0

_schedule_lock = threading.Lock()
_drain_starts_at = 0.0  # wall-clock time at which this process's last enqueued drain runs


def article_stored(article_id: int) -> None:
    """Suggest spans and match them once the import's transaction commits."""
    from claims import tasks

    transaction.on_commit(lambda: tasks.match_article.delay(article_id))


def span_saving(annotation: Any) -> None:
    """Call before saving a created or edited span (saving PENDING_FIELD): the worker places it
    in a claim group once the transaction commits.

    A span write used to enqueue one task per span: a broker write per request and one task
    run per span, which competed with the web server for the CPU. Now the span row carries
    the request (committed with it) and the web process enqueues at most one drain per
    CLAIMS_MATCH_DELAY_SECONDS, which places every pending span. The periodic sweep (beat)
    catches spans whose drain was never enqueued (a broker outage, a process killed between
    the commit and the enqueue).
    """
    setattr(annotation, PENDING_FIELD, True)
    transaction.on_commit(schedule_drain)


def schedule_drain() -> None:
    """Enqueue a drain of pending spans unless one already enqueued here starts late enough
    to see what was committed before this call."""
    global _drain_starts_at
    from claims import tasks

    delay = settings.CLAIMS_MATCH_DELAY_SECONDS
    now = time.time()
    with _schedule_lock:
        if now < _drain_starts_at - CLOCK_MARGIN_SECONDS:
            return
        _drain_starts_at = now + delay
    try:
        tasks.match_pending_spans.apply_async(countdown=delay)
    except Exception:  # the span is committed: no 500 (a client would send it again)
        with _schedule_lock:
            _drain_starts_at = 0.0  # the next write tries again; the sweep covers this one
        log.exception("Could not enqueue claim matching; the periodic sweep will do it.")


def reset_schedule() -> None:
    """Forget the enqueued drain (tests; a forked process starts with its own schedule)."""
    global _drain_starts_at
    with _schedule_lock:
        _drain_starts_at = 0.0


def import_finished(job_id: int) -> None:
    """Suggest spans for, and match, what a batch import stored (its articles and their
    imported spans): ONE task once the job is finished, not one message per article or batch.
    The task works through the job in short slices (see claims.tasks.match_import), so an
    import that comes next never waits long behind it."""
    from claims import tasks

    if settings.CLAIMS_AFTER_BATCH_IMPORT:
        transaction.on_commit(lambda: tasks.match_import.delay(job_id))
