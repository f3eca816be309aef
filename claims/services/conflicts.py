"""Conflicts inside a claim group: figures that cannot both be true, and claim vs denial."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from django.db import transaction
from django.utils import timezone

from annotations import roles
from annotations.models import Via
from annotations.services.audit import record
from claims import quantities
from claims.models import ClaimAppearance, ConflictKind, ConflictStatus, FigureConflict, Stance

# Two figures conflict when their ranges stay apart by more than this share of the larger one.
FIGURE_TOLERANCE = 0.0


def _figure(q: quantities.Quantity) -> str:
    return q.text[:200]


def detect_conflicts(*, claim_id: int) -> int:
    """Store the conflicts between appearances of one claim (idempotent); return how many new."""
    appearances = list(ClaimAppearance.objects.filter(claim_id=claim_id).order_by("pk"))
    figures = {a.pk: quantities.extract_quantities(a.quote) for a in appearances}
    created = 0
    for a, b in combinations(appearances, 2):
        if a.article_id == b.article_id:
            continue
        for qa in figures[a.pk]:
            for qb in figures[b.pk]:
                if quantities.conflicting(qa, qb, tolerance=FIGURE_TOLERANCE):
                    _, new = FigureConflict.objects.get_or_create(
                        kind=ConflictKind.FIGURES,
                        first=a,
                        second=b,
                        first_figure=_figure(qa),
                        second_figure=_figure(qb),
                        defaults={
                            "claim_id": claim_id,
                            "detail": f"{qa.text} ({a.outlet or 'article ' + str(a.article_id)}) "
                            f"vs {qb.text} ({b.outlet or 'article ' + str(b.article_id)})",
                        },
                    )
                    created += new
        stances = {a.stance, b.stance}
        if Stance.DENIES in stances and len(stances) == 2:
            first, second = (b, a) if a.stance == Stance.DENIES else (a, b)
            _, new = FigureConflict.objects.get_or_create(
                kind=ConflictKind.STANCE,
                first=first,
                second=second,
                first_figure="",
                second_figure="",
                defaults={
                    "claim_id": claim_id,
                    "detail": f"One source {first.get_stance_display().lower()}, the other denies.",
                },
            )
            created += new
    # Conflicts of appearances that moved to another claim follow them.
    FigureConflict.objects.filter(first__claim_id=claim_id).exclude(claim_id=claim_id).update(
        claim_id=claim_id
    )
    return created


class ConflictError(ValueError):
    pass


@transaction.atomic
def resolve_conflict(
    *, by: Any, conflict: FigureConflict, resolution: Any, via: str = Via.UI
) -> FigureConflict:
    """An adjudicator closes a conflict, saying how (recorded)."""
    if not roles.is_adjudicator(by):
        raise PermissionError("Only adjudicators resolve conflicts.")
    if not isinstance(resolution, str) or not resolution.strip():
        raise ConflictError("Say how the conflict was resolved.")
    conflict = FigureConflict.objects.select_for_update().get(pk=conflict.pk)
    conflict.status = ConflictStatus.RESOLVED
    conflict.resolution = resolution.strip()[:2000]
    conflict.resolved_by = by
    conflict.save(update_fields=["status", "resolution", "resolved_by"])
    record(
        actor=by,
        via=via,
        action="claim.conflict_resolve",
        obj=conflict,
        article_id=None,
        after={
            "claim": conflict.claim_id,
            "resolution": conflict.resolution,
            "at": timezone.now().isoformat(),
        },
    )
    return conflict
