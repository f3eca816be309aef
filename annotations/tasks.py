"""Celery tasks: thin, take primitive ids, call one service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from annotations.models import StaleAgreement
from annotations.services import agreement, imports


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


@shared_task(acks_late=True)
def recompute_article_agreement(article_id: int) -> bool:
    """Recompute one article's agreement unless its stored report is already current.

    Submissions enqueue this with a short countdown (see agreement.schedule_article), so a
    burst of submissions on one article ends in one computation; a duplicate message finds
    the report up to date and does nothing.
    """
    # Clear the marker before reading: a submission committed after this point inserts a new
    # marker and enqueues its own run, so no submission is missed.
    StaleAgreement.objects.filter(article_id=article_id).delete()
    if agreement.article_is_up_to_date(article_id=article_id):
        return False
    agreement.compute_article_agreement(article_id=article_id)
    # The dashboard's headline is the corpus report: bring it up to date soon after a
    # submission rather than at the next periodic run (force=False: a burst of articles ends
    # in one computation, the later runs find nothing changed and store nothing).
    compute_corpus_agreement.apply_async(
        kwargs={"force": False}, countdown=agreement.CORPUS_AFTER_SUBMIT_SECONDS
    )
    return True


@shared_task(acks_late=True)
def compute_corpus_agreement(force: bool = True) -> int | None:
    """Corpus agreement report (periodic with force=False: skipped when nothing changed)."""
    row = agreement.compute_corpus_agreement(force=force)
    return row.pk if row is not None else None
