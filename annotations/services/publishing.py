"""The end of adjudication: mark an article adjudicated, publish its final verdicts, unpublish.

Publishing is what makes the final annotations the official verdicts: REST clients
(``/api/verdicts/``, the ClaimReview export) and reviewers read finals of published articles.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from annotations.models import Annotation, AnnotationState, Article, ArticleStatus, Via
from annotations.services.adjudication import (
    AdjudicationError,
    adjudication_view,
    require_adjudicator,
)
from annotations.services.annotating import AnnotationError
from annotations.services.audit import record

MAX_REASON_CHARS = 2_000


def _state(article: Article) -> dict[str, Any]:
    return {
        "status": article.status,
        "published_verdicts_at": (
            article.published_verdicts_at.isoformat() if article.published_verdicts_at else None
        ),
    }


def _check_settled(article: Article) -> list[int]:
    """Refuse unless every item is settled; return the ids of the final annotations."""
    open_items = [item for item in adjudication_view(article) if not item.resolved]
    if open_items:
        where = ", ".join(f"[{i.start}:{i.end}]" for i in open_items[:5])
        raise AdjudicationError(
            f"{len(open_items)} item(s) are not settled yet ({where}); accept a version, "
            "write a final annotation or dismiss each one."
        )
    finals = list(
        Annotation.objects.alive().finals().filter(article=article).values_list("pk", flat=True)
    )
    if not finals:
        submitted = (
            Annotation.objects.alive()
            .reviews()
            .filter(article=article, state=AnnotationState.SUBMITTED)
            .exists()
        )
        dismissed = article.dismissals.filter(withdrawn_at__isnull=True).exists()
        if not submitted and not dismissed:
            raise AdjudicationError(
                "Nothing to adjudicate: no reviewer has submitted this article and it has no "
                "final annotations."
            )
    return finals


def _mark(by: Any, article: Article, via: Via | str) -> None:
    before = _state(article)
    finals = _check_settled(article)
    article.status = ArticleStatus.ADJUDICATED
    article.save(update_fields=["status", "updated_at"])
    record(
        actor=by,
        via=via,
        action="article.adjudicate",
        obj=article,
        article_id=article.pk,
        before=before,
        after={**_state(article), "finals": finals},
    )


@transaction.atomic
def mark_adjudicated(*, by: Any, article: Article, via: Via | str = Via.UI) -> Article:
    """Status → adjudicated, once every aligned item is settled (a final or a dismissal)."""
    require_adjudicator(by)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == ArticleStatus.PUBLISHED:
        raise AdjudicationError("This article is published already.")
    if article.status == ArticleStatus.ADJUDICATED:
        return article
    _mark(by, article, via)
    return article


@transaction.atomic
def publish(*, by: Any, article: Article, via: Via | str = Via.UI) -> Article:
    """Publish the final verdicts: status → published, ``published_verdicts_at`` = now.

    An article not yet marked adjudicated is marked first (recorded as its own step), with
    the same check that every item is settled.
    """
    require_adjudicator(by)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == ArticleStatus.PUBLISHED:
        raise AdjudicationError("This article is published already.")
    if article.status != ArticleStatus.ADJUDICATED:
        _mark(by, article, via)
    before = _state(article)
    finals = _check_settled(article)
    article.status = ArticleStatus.PUBLISHED
    article.published_verdicts_at = timezone.now()
    article.save(update_fields=["status", "published_verdicts_at", "updated_at"])
    record(
        actor=by,
        via=via,
        action="article.publish",
        obj=article,
        article_id=article.pk,
        before=before,
        after={**_state(article), "finals": finals},
    )
    return article


@transaction.atomic
def unpublish(*, by: Any, article: Article, reason: Any, via: Via | str = Via.UI) -> Article:
    """Withdraw published verdicts (status → adjudicated), with a reason that is recorded."""
    require_adjudicator(by)
    if not isinstance(reason, str) or not reason.strip():
        raise AnnotationError("Say why the verdicts are withdrawn.", field="reason")
    reason = reason.strip()[:MAX_REASON_CHARS]
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != ArticleStatus.PUBLISHED:
        raise AdjudicationError("This article is not published.")
    before = _state(article)
    article.status = ArticleStatus.ADJUDICATED
    article.published_verdicts_at = None
    article.save(update_fields=["status", "published_verdicts_at", "updated_at"])
    record(
        actor=by,
        via=via,
        action="article.unpublish",
        obj=article,
        article_id=article.pk,
        before=before,
        after=_state(article),
        note=reason,
    )
    return article
