"""Assigning articles to reviewers: in bulk with an overlap, balanced, and undoable."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from annotations import roles
from annotations.models import Article, ArticleStatus, Assignment, AssignmentStatus, Via
from annotations.services.audit import record


class AssignmentError(ValueError):
    """The assignment request cannot be carried out; the message says why."""


def _require_admin(user: Any) -> None:
    if not roles.is_admin(user):
        raise PermissionError("Only admins assign articles.")


def _snapshot(assignment: Assignment) -> dict[str, Any]:
    return {
        "article": assignment.article_id,
        "reviewer": assignment.reviewer.username,
        "active": assignment.active,
        "status": assignment.status,
    }


@transaction.atomic
def assign_articles(
    *,
    by: Any,
    article_ids: Sequence[int],
    reviewer_ids: Sequence[int],
    overlap: int,
    strategy: str = "round_robin",
    seed: int | None = None,
    via: Via | str = Via.UI,
) -> list[Assignment]:
    """Give every article to `overlap` reviewers, spreading the load evenly.

    Explicit ids only: an empty list is an error, never "all". Reviewers already on an
    article count towards its overlap. Each article goes to the reviewers with the fewest
    active assignments; ties are broken in round-robin order, or randomly with `seed` for
    the "random" strategy (the same seed gives the same assignment).
    """
    _require_admin(by)
    if not article_ids:
        raise AssignmentError("Choose at least one article.")
    if not reviewer_ids:
        raise AssignmentError("Choose at least one reviewer.")
    if strategy not in ("round_robin", "random"):
        raise AssignmentError("strategy must be round_robin or random.")
    User = get_user_model()
    reviewers = [
        u
        for u in User.objects.filter(pk__in=set(reviewer_ids), is_active=True).order_by("pk")
        if roles.is_reviewer(u)
    ]
    missing = set(reviewer_ids) - {u.pk for u in reviewers}
    if missing:
        raise AssignmentError(f"Not active reviewers: {sorted(missing)}.")
    if not 1 <= overlap <= len(reviewers):
        raise AssignmentError(
            f"overlap must be between 1 and the number of reviewers chosen ({len(reviewers)})."
        )
    articles = list(Article.objects.filter(pk__in=set(article_ids)).order_by("pk"))
    unknown = set(article_ids) - {a.pk for a in articles}
    if unknown:
        raise AssignmentError(f"No such articles: {sorted(unknown)}.")

    existing = Assignment.objects.filter(article__in=articles)
    on_article: dict[int, set[int]] = {}
    inactive: dict[tuple[int, int], Assignment] = {}
    for a in existing:
        if a.active:
            on_article.setdefault(a.article_id, set()).add(a.reviewer_id)
        else:
            inactive[(a.article_id, a.reviewer_id)] = a
    load = Counter(
        Assignment.objects.filter(reviewer__in=reviewers, active=True)
        .exclude(status=AssignmentStatus.SUBMITTED)
        .values_list("reviewer_id", flat=True)
    )
    order = [u.pk for u in reviewers]
    if strategy == "random":
        random.Random(seed).shuffle(order)
    rank = {pk: i for i, pk in enumerate(order)}
    by_pk = {u.pk: u for u in reviewers}
    created: list[Assignment] = []
    turn = 0
    for article in articles:
        taken = on_article.get(article.pk, set())
        need = overlap - len(taken & set(by_pk))
        if need <= 0:
            continue
        # Least loaded first; among equals, the next in the rotating order.
        candidates = sorted(
            (pk for pk in order if pk not in taken),
            key=lambda pk: (load[pk], (rank[pk] - turn) % len(order)),
        )
        for pk in candidates[:need]:
            previous = inactive.get((article.pk, pk))
            if previous is not None:
                previous.active = True
                previous.assigned_by = by
                previous.save(update_fields=["active", "assigned_by", "updated_at"])
                assignment = previous
            else:
                assignment = Assignment.objects.create(
                    article=article, reviewer=by_pk[pk], assigned_by=by
                )
            load[pk] += 1
            created.append(assignment)
            record(
                actor=by,
                via=via,
                action="assignment.create",
                obj=assignment,
                article_id=article.pk,
                after=_snapshot(assignment),
            )
        turn += 1
        if article.status == ArticleStatus.NEW:
            Article.objects.filter(pk=article.pk).update(status=ArticleStatus.IN_REVIEW)
    return created


@transaction.atomic
def unassign(*, by: Any, assignment: Assignment, via: Via | str = Via.UI) -> Assignment:
    """Take an article off a reviewer's queue. Submitted work stays and cannot be unassigned."""
    _require_admin(by)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise AssignmentError("This reviewer already submitted the article.")
    before = _snapshot(assignment)
    assignment.active = False
    assignment.save(update_fields=["active", "updated_at"])
    record(
        actor=by,
        via=via,
        action="assignment.unassign",
        obj=assignment,
        article_id=assignment.article_id,
        before=before,
        after=_snapshot(assignment),
    )
    return assignment


@transaction.atomic
def reassign(
    *, by: Any, assignment: Assignment, to_reviewer: Any, via: Via | str = Via.UI
) -> Assignment:
    """Move an unsubmitted assignment to another reviewer (their own spans stay theirs)."""
    _require_admin(by)
    if not roles.is_reviewer(to_reviewer):
        raise AssignmentError(f"{to_reviewer} is not a reviewer.")
    if Assignment.objects.filter(
        article_id=assignment.article_id, reviewer=to_reviewer, active=True
    ).exists():
        raise AssignmentError(f"{to_reviewer} is already on this article.")
    unassign(by=by, assignment=assignment, via=via)
    new, created = Assignment.objects.get_or_create(
        article_id=assignment.article_id,
        reviewer=to_reviewer,
        defaults={"assigned_by": by},
    )
    if not created:
        new.active = True
        new.assigned_by = by
        new.save(update_fields=["active", "assigned_by", "updated_at"])
    record(
        actor=by,
        via=via,
        action="assignment.create",
        obj=new,
        article_id=new.article_id,
        after=_snapshot(new),
        note=f"reassigned from {assignment.reviewer.username}",
    )
    return new
