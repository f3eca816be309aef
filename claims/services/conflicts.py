"""Conflicts inside a claim group: figures that cannot both be true, and claim vs denial."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db import transaction
from django.db.models import F, Q
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


@functools.lru_cache(maxsize=8192)
def _figures(quote: str) -> tuple[quantities.Quantity, ...]:
    """The figures of a quote, cached per process: a group's quotes are read again each time
    one of its appearances changes."""
    return tuple(quantities.extract_quantities(quote))


def _pairs(appearances: list[ClaimAppearance], fresh: set[int] | None) -> Iterator[tuple]:
    """Pairs (earlier, later) in pk order: all of them, or those with a ``fresh`` member."""
    for j, b in enumerate(appearances):
        if fresh is None or b.pk in fresh:
            yield from ((a, b) for a in appearances[:j])
        else:
            yield from ((a, b) for a in appearances[:j] if a.pk in fresh)


def detect_conflicts(*, claim_id: int, fresh: Iterable[int] | None = None) -> int:
    """Store the conflicts between appearances of one claim (idempotent); return how many new.

    ``fresh``: the appearances added or changed since the group was last checked; only pairs
    with one of them are compared (the others were compared when they arrived). None compares
    every pair (after a merge or split).
    """
    return detect_in_groups({claim_id: fresh})


def detect_in_groups(groups: Mapping[int, Iterable[int] | None]) -> int:
    """``detect_conflicts`` for several claim groups at once (claim -> fresh appearances, or
    None for every pair): their appearances are read in one query, the stored conflicts that
    a new one could repeat in another (those of the fresh appearances; all of a group checked
    in full), and the new conflicts written in one statement, so the cost grows with the
    pairs compared rather than with a query per group or per conflicting pair."""
    if not groups:
        return 0
    members: dict[int, list[ClaimAppearance]] = {claim_id: [] for claim_id in groups}
    rows = ClaimAppearance.objects.filter(claim_id__in=members).order_by("claim_id", "pk")
    for appearance in rows.only("pk", "claim_id", "article_id", "quote", "outlet", "stance"):
        members[appearance.claim_id].append(appearance)
    full = [claim_id for claim_id, fresh in groups.items() if fresh is None]
    fresh_ids = {pk for fresh in groups.values() if fresh is not None for pk in fresh}
    # A new conflict has a fresh appearance on one side: only those could be stored already.
    wanted = Q(first__claim_id__in=full) | Q(first_id__in=fresh_ids) | Q(second_id__in=fresh_ids)
    stored = set(
        FigureConflict.objects.filter(wanted).values_list(
            "kind", "first_id", "second_id", "first_figure", "second_figure"
        )
    )
    new: dict[tuple, FigureConflict] = {}
    for claim_id, appearances in members.items():
        fresh = groups[claim_id]
        for key, fields in _conflicts(appearances, None if fresh is None else set(fresh)):
            if key not in stored and key not in new:
                new[key] = FigureConflict(claim_id=claim_id, **fields)
    # ignore_conflicts: a row stored under another claim (its appearance moved here) stays
    # one row; it is moved below.
    FigureConflict.objects.bulk_create(new.values(), ignore_conflicts=True)
    # Conflicts of appearances that moved to another claim follow them (a merge or split,
    # which checks the group in full).
    moved: dict[int, list[int]] = {}
    for pk, claim_id in (
        FigureConflict.objects.filter(first__claim_id__in=full)
        .exclude(claim_id=F("first__claim_id"))
        .values_list("pk", "first__claim_id")
    ):
        moved.setdefault(claim_id, []).append(pk)
    for claim_id, pks in moved.items():
        FigureConflict.objects.filter(pk__in=pks).update(claim_id=claim_id)
    return len(new)


def _conflicts(
    appearances: list[ClaimAppearance], fresh: set[int] | None
) -> Iterator[tuple[tuple, dict[str, Any]]]:
    """(key, fields of the conflict) for each conflicting pair of one group that ``_pairs``
    gives; the caller builds a row only for the keys not stored yet."""
    for a, b in _pairs(appearances, fresh):
        if a.article_id == b.article_id:
            continue
        for qa in _figures(a.quote):
            for qb in _figures(b.quote):
                if quantities.conflicting(qa, qb, tolerance=FIGURE_TOLERANCE):
                    f1, f2 = _figure(qa), _figure(qb)
                    yield (ConflictKind.FIGURES, a.pk, b.pk, f1, f2), {
                        "kind": ConflictKind.FIGURES, "first": a, "second": b,
                        "first_figure": f1, "second_figure": f2,
                        "detail": f"{qa.text} ({a.outlet or 'article ' + str(a.article_id)}) "
                        f"vs {qb.text} ({b.outlet or 'article ' + str(b.article_id)})",
                    }  # fmt: skip
        stances = {a.stance, b.stance}
        if Stance.DENIES in stances and len(stances) == 2:
            first, second = (b, a) if a.stance == Stance.DENIES else (a, b)
            yield (ConflictKind.STANCE, first.pk, second.pk, "", ""), {
                "kind": ConflictKind.STANCE, "first": first, "second": second,
                "first_figure": "", "second_figure": "",
                "detail": f"One source {Stance(first.stance).label.lower()}, the other denies.",
            }  # fmt: skip


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
