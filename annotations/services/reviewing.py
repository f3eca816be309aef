"""The reviewer's side of the desk: their queue of articles and what the workspace shows.

Reads only (writes live in ``annotating``); every read goes through ``visible_to``.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from annotations.models import (
    AnchorStatus,
    Annotation,
    Article,
    Assignment,
    AssignmentStatus,
)
from annotations.models.review import AnnotationKind


class QueueCounts(TypedDict):
    new: int
    in_progress: int
    submitted: int
    total: int


def reviewer_queue(*, user: Any, query: str = "", status: str = "") -> QuerySet[Article]:
    """Articles on the reviewer's desk with ``my_status`` and ``my_count`` annotated.

    In "assigned" mode ``visible_to`` already restricts to the reviewer's assignments; in
    "open" mode every article is listed and one without an assignment counts as new.
    ``query`` searches title and source; ``status`` filters on the reviewer's status.
    """
    mine = Assignment.objects.filter(article=OuterRef("pk"), reviewer=user)
    count = (
        Annotation.objects.filter(
            article=OuterRef("pk"),
            reviewer=user,
            kind=AnnotationKind.REVIEW,
            deleted_at__isnull=True,
        )
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        Article.objects.visible_to(user)
        .annotate(
            my_status=Coalesce(
                Subquery(mine.values("status")[:1]), Value(AssignmentStatus.NEW.value)
            ),
            my_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        )
        .select_related("verdict_scale")
        .order_by("-published_at", "-pk")
    )
    query = query.strip()
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(source__icontains=query))
    if status in AssignmentStatus.values:
        qs = qs.filter(my_status=status)
    return qs


def queue_counts(*, user: Any) -> QueueCounts:
    """How many articles of the reviewer's queue are new, in progress and submitted."""
    rows = reviewer_queue(user=user).order_by().values("my_status").annotate(n=Count("pk"))
    by_status = {row["my_status"]: row["n"] for row in rows}
    counts: QueueCounts = {
        "new": by_status.get(AssignmentStatus.NEW, 0),
        "in_progress": by_status.get(AssignmentStatus.IN_PROGRESS, 0),
        "submitted": by_status.get(AssignmentStatus.SUBMITTED, 0),
        "total": sum(by_status.values()),
    }
    return counts


def my_assignment(*, user: Any, article: Article) -> tuple[str, bool]:
    """The reviewer's status on this article ("new" when not started) and whether they may
    still write to it (not submitted, not unassigned)."""
    row = (
        Assignment.objects.filter(article=article, reviewer=user)
        .values_list("status", "active")
        .first()
    )
    if row is None:
        return AssignmentStatus.NEW.value, True
    status, active = row
    return status, active and status != AssignmentStatus.SUBMITTED


class AnnotationData(TypedDict, total=False):
    """One span as the annotate page gets it. The quote is text[start:end] and is sent only
    when it is not (an anchor lost after a text revision: ``orphaned``)."""

    id: int
    start: int
    end: int
    tag: str
    verdict: str | None
    claimant: str
    claimant_type: str
    note: str
    evidence_urls: list[str]
    version: int
    reviewer: str
    kind: str
    mine: bool
    quote: str
    orphaned: bool
    fuzzy: bool  # re-placed by fuzzy matching after a text revision, not yet confirmed


def workspace_annotations(*, user: Any, article: Article) -> list[AnnotationData]:
    """The alive annotations on this article the user may see, in text order.

    Blind review is enforced by ``visible_to``: before submitting, a reviewer gets only
    their own spans here, exactly as through the API.
    """
    # values(), not model instances: a long article carries a thousand spans or more.
    rows = (
        Annotation.objects.visible_to(user)
        .alive()
        .filter(article=article)
        .order_by("start", "end", "pk")
        .values(
            "id", "start", "end", "tag", "verdict__slug", "claimant", "claimant_type", "note",
            "evidence_urls", "version", "reviewer_id", "reviewer__username", "kind", "quote",
            "anchor_status", "needs_attention",
        )
    )  # fmt: skip
    text = article.text
    out: list[AnnotationData] = []
    for row in rows:
        data: AnnotationData = {
            "id": row["id"],
            "start": row["start"],
            "end": row["end"],
            "tag": row["tag"],
            "verdict": row["verdict__slug"],
            "claimant": row["claimant"],
            "claimant_type": row["claimant_type"],
            "note": row["note"],
            "evidence_urls": list(row["evidence_urls"] or []),
            "version": row["version"],
            "reviewer": row["reviewer__username"],
            "kind": row["kind"],
            "mine": row["reviewer_id"] == user.pk and row["kind"] == AnnotationKind.REVIEW,
        }
        if text[row["start"] : row["end"]] != row["quote"]:
            data["quote"] = row["quote"]
            data["orphaned"] = True
        elif row["anchor_status"] == AnchorStatus.FUZZY and row["needs_attention"]:
            data["fuzzy"] = True
        out.append(data)
    return out
