"""Thin Celery tasks: take ids, call one service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from claims.services import matching, suggestions


@shared_task(acks_late=True)
def match_article(article_id: int) -> dict[str, int]:
    return matching.process_article(article_id=article_id)


@shared_task(acks_late=True)
def match_annotation(annotation_id: int) -> str:
    # No longer enqueued (spans are drained by match_pending_spans); kept for the messages
    # an older web process may have queued.
    return matching.process_annotation(annotation_id=annotation_id)


@shared_task(acks_late=True)
def match_import(job_id: int, after: int = 0) -> int:
    """One slice of a finished import's articles (see matching.process_import); the rest goes
    back on the queue as a new message, so other work interleaves with a big import's."""
    last = matching.process_import(job_id=job_id, after=after)
    if last is not None:
        match_import.delay(job_id, last)
    return last or 0


@shared_task(acks_late=True)
def match_pending_spans() -> dict[str, int]:
    return matching.process_pending()


@shared_task(acks_late=True)
def retrain_checkworthiness() -> dict:
    return suggestions.retrain_from_decisions()
