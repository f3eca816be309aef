"""What the annotations app calls (one line each) so claims work follows imports and edits."""

from __future__ import annotations

from django.db import transaction


def article_stored(article_id: int) -> None:
    """Suggest spans and match them once the import's transaction commits."""
    from claims import tasks

    transaction.on_commit(lambda: tasks.match_article.delay(article_id))


def span_saved(annotation_id: int) -> None:
    """Place a created or edited span in a claim group once its transaction commits."""
    from claims import tasks

    transaction.on_commit(lambda: tasks.match_annotation.delay(annotation_id))
