"""What the annotations app calls (one line each) so claims work follows imports and edits."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction


def article_stored(article_id: int) -> None:
    """Suggest spans and match them once the import's transaction commits."""
    from claims import tasks

    transaction.on_commit(lambda: tasks.match_article.delay(article_id))


def span_saved(annotation_id: int) -> None:
    """Place a created or edited span in a claim group once its transaction commits."""
    from claims import tasks

    transaction.on_commit(lambda: tasks.match_annotation.delay(annotation_id))


def import_finished(job_id: int) -> None:
    """Suggest spans for, and match, what a batch import stored (its articles and their
    imported spans): ONE task once the job is finished, not one message per article or batch.
    The task works through the job in short slices (see claims.tasks.match_import), so an
    import that comes next never waits long behind it."""
    from claims import tasks

    if settings.CLAIMS_AFTER_BATCH_IMPORT:
        transaction.on_commit(lambda: tasks.match_import.delay(job_id))


def spans_saved(annotation_ids: list[int]) -> None:
    """``span_saved`` for many spans of one write (bulk API, pre-annotated import): one task."""
    from claims import tasks

    if annotation_ids:
        ids = list(annotation_ids)
        transaction.on_commit(lambda: tasks.match_annotations.delay(ids))
