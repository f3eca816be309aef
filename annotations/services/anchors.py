"""After a revision: confirming or fixing anchors, and the queue of those that need a person.

See :mod:`annotations.services.revisions` for how anchors are placed on a revised text.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from annotations import roles
from annotations.models import AnchorStatus, Annotation, Via
from annotations.models.review import AnnotationKind
from annotations.services.annotating import (
    AnnotationError,
    NotAllowed,
    StaleVersion,
    check_span,
    save_versioned,
)
from annotations.text.anchoring import CONTEXT_WIDTH, context_for


def anchor_snapshot(annotation: Annotation) -> dict[str, Any]:
    """The audited view of an annotation's anchor (before/after of a re-anchoring)."""
    return {
        "start": annotation.start,
        "end": annotation.end,
        "quote": annotation.quote,
        "anchor_status": annotation.anchor_status,
        "anchor_score": annotation.anchor_score,
        "needs_attention": annotation.needs_attention,
        "version": annotation.version,
    }


ANCHOR_ACTIONS = ("confirm", "fix")


def _may_resolve(user: Any, annotation: Annotation) -> bool:
    """The author of a review annotation, or an adjudicator (for any annotation, finals too)."""
    if roles.is_adjudicator(user):
        return True
    return (
        roles.is_reviewer(user)
        and annotation.kind == AnnotationKind.REVIEW
        and annotation.reviewer_id == user.pk
    )


@transaction.atomic
def resolve_anchor(
    *,
    user: Any,
    annotation: Annotation,
    action: str,
    start: Any = None,
    end: Any = None,
    quote: Any = None,
    expected_version: int | None = None,
    via: Via | str = Via.UI,
) -> Annotation:
    """Confirm a fuzzy anchor, or fix an anchor's span on the current text.

    Allowed to the annotation's author (review kind) and to adjudicators (any kind), also
    after the article was submitted or adjudicated: repairing where a span sits after a text
    revision is not a change of judgement, so tag, verdict and note stay untouched.

    * ``confirm``: only for a ``fuzzy`` anchor. Its span (already ``text[start:end] ==
      quote``) is accepted: status becomes ``moved`` (placed on a revised text, now vouched
      for) and the machine's score is kept for the record.
    * ``fix``: ``start``, ``end`` and ``quote`` select new text (checked like any span); the
      status becomes ``exact``, score 1.0, the context is taken from the current text. Allowed
      for any annotation that a revision re-anchored (status other than ``exact``) or that
      needs attention; an ``exact`` span is changed through the ordinary edit instead.

    Clears ``needs_attention``, bumps ``version`` and is audited as
    ``annotation.anchor_confirm`` / ``annotation.anchor_fix``. Raises AnnotationError (bad
    input, nothing to confirm), NotAllowed, or annotating.StaleVersion.
    """
    if action not in ANCHOR_ACTIONS:
        raise AnnotationError(
            f"action must be one of {', '.join(ANCHOR_ACTIONS)} (got {action!r}).", field="action"
        )
    current = Annotation.objects.select_for_update().select_related("article").get(pk=annotation.pk)
    if not _may_resolve(user, current):
        raise NotAllowed(
            "Only the annotation's author or an adjudicator can confirm or fix its anchor."
        )
    if current.deleted_at is not None:
        raise AnnotationError("This annotation was deleted.")
    if expected_version is not None and expected_version != current.version:
        raise StaleVersion(current)
    before = anchor_snapshot(current)
    text = current.article.text
    if action == "confirm":
        if start is not None or end is not None or quote is not None:
            raise AnnotationError("confirm takes no span; use action 'fix' to select new text.")
        if current.anchor_status != AnchorStatus.FUZZY:
            hint = (
                "an orphaned annotation has no place in the current text to confirm; "
                "select the text with action 'fix'"
                if current.anchor_status == AnchorStatus.ORPHANED
                else "it is not waiting for confirmation"
            )
            raise AnnotationError(
                f"Only a fuzzy anchor can be confirmed; this one is "
                f"{current.anchor_status} ({hint}).",
                field="action",
            )
        # A fuzzy placement always lies on the current text; check it anyway, cheaply.
        check_span(text, current.start, current.end, current.quote)
        current.anchor_status = AnchorStatus.MOVED
        fields = ["anchor_status"]
    else:
        if current.anchor_status == AnchorStatus.EXACT and not current.needs_attention:
            raise AnnotationError(
                "This anchor was not moved by a revision; change its span by editing the "
                "annotation.",
                field="action",
            )
        start, end, quote = check_span(text, start, end, quote)
        current.start, current.end, current.quote = start, end, quote
        current.prefix, current.suffix = context_for(text, start, end, CONTEXT_WIDTH)
        current.anchor_status = AnchorStatus.EXACT
        current.anchor_score = 1.0
        fields = ["start", "end", "quote", "prefix", "suffix", "anchor_status", "anchor_score"]
    current.needs_attention = False
    save_versioned(
        current,
        [*fields, "needs_attention"],
        actor=user,
        via=via,
        action=f"annotation.anchor_{action}",
        before=before,
        after=lambda a: {**anchor_snapshot(a), "revision": a.article.revision},
    )
    return current


def attention_queue(user: Any) -> QuerySet[Annotation]:
    """Live annotations whose anchor needs a person: a reviewer's own, everyone's for an
    adjudicator (through ``visible_to``), by article and position."""
    qs = Annotation.objects.visible_to(user).alive().filter(needs_attention=True)
    if not roles.is_adjudicator(user):
        qs = qs.filter(reviewer=user, kind=AnnotationKind.REVIEW)
    return qs.select_related("article", "reviewer", "verdict").order_by("article_id", "start", "pk")
