"""Reading the audit history: scoped to what a user may see, and shown as field changes."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db.models import Q, QuerySet

from annotations import roles
from annotations.models import Annotation, Article, Assignment, AssignmentStatus, AuditEvent

ARTICLE_LEVEL = ("article", "itemdismissal")
FIELD_ORDER = {
    name: i
    for i, name in enumerate(
        ("article", "reviewer", "start", "end", "quote", "tag", "verdict", "claimant",
         "claimant_type", "note", "evidence_urls", "kind", "based_on", "rationale", "item",
         "status", "active",
         "published_verdicts_at", "finals", "state", "version", "deleted")
    )
}  # fmt: skip


class Change(TypedDict):
    field: str
    before: Any
    after: Any


def events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """Audit events this user may read.

    Adjudicators and admins read everything. A reviewer reads the events of annotations
    they can see (``Annotation.objects.visible_to``: their own, and others' once they have
    submitted the article), of their own assignments, and, on articles they submitted or
    that are published, the article-level steps (adjudication, publication).
    """
    if not getattr(user, "is_authenticated", False):
        return AuditEvent.objects.none()
    if roles.is_adjudicator(user):
        return AuditEvent.objects.all()
    if not roles.is_reviewer(user):
        return AuditEvent.objects.none()
    annotations = Annotation.objects.visible_to(user).values("pk")
    own_assignments = Assignment.objects.filter(reviewer=user).values("pk")
    visible_articles = Article.objects.visible_to(user)
    settled = visible_articles.filter(
        Q(status="published")
        | Q(
            pk__in=Assignment.objects.filter(
                reviewer=user, status=AssignmentStatus.SUBMITTED
            ).values("article_id")
        )
    ).values("pk")
    return AuditEvent.objects.filter(
        Q(object_type="annotation", object_id__in=annotations)
        | Q(object_type="assignment", object_id__in=own_assignments)
        | Q(object_type__in=ARTICLE_LEVEL, article_id__in=settled)
    )


def history(
    user: Any, *, article_id: int | None = None, annotation_id: int | None = None
) -> QuerySet[AuditEvent]:
    """The timeline of one article or one annotation (oldest first), as ``user`` may see it."""
    qs = events_visible_to(user).select_related("actor")
    if article_id is not None:
        qs = qs.filter(article_id=article_id)
    if annotation_id is not None:
        qs = qs.filter(object_type="annotation", object_id=annotation_id)
    return qs.order_by("created_at", "pk")


def changes(event: AuditEvent) -> list[Change]:
    """The fields that differ between ``before`` and ``after`` (the non-blank ones on create)."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    out: list[Change] = []
    # PostgreSQL's jsonb does not keep key order: show fields in a fixed, readable order.
    keys = sorted({*before, *after}, key=lambda k: (FIELD_ORDER.get(k, len(FIELD_ORDER)), k))
    for key in keys:
        if event.before is None and after.get(key) in ("", [], None):
            continue  # on create, blank fields say nothing
        if before.get(key) != after.get(key) or (event.before is None and key in after):
            out.append({"field": key, "before": before.get(key), "after": after.get(key)})
    return out
