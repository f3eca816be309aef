"""People shaping claim groups: confirm or reject a match, split, merge, publish a verdict."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from annotations import roles
from annotations.models import VerdictLabel, VerdictScale, Via
from annotations.services.audit import record
from claims.models import Claim, ClaimAppearance, LinkStatus, MatchCandidate
from claims.services.conflicts import detect_conflicts

MAX_CANONICAL_CHARS = 2_000


class GroupError(ValueError):
    """The change makes no sense; the message says why."""


def _require_reviewer(user: Any) -> None:
    if not roles.is_reviewer(user):
        raise PermissionError("Only reviewers and adjudicators change claim groups.")


def _audit(user: Any, action: str, claim: Claim, via: str, **after: Any) -> None:
    record(actor=user, via=via, action=action, obj=claim, article_id=None, after=after)


def _drop_if_empty(claim_id: int, into: int) -> None:
    if not ClaimAppearance.objects.filter(claim_id=claim_id).exists():
        Claim.objects.filter(pk=claim_id).update(merged_into_id=into)


@transaction.atomic
def confirm_candidate(
    *, user: Any, candidate: MatchCandidate, via: str = Via.UI
) -> ClaimAppearance:
    """The span states this claim: it joins the group (leaving its own one-span group)."""
    _require_reviewer(user)
    candidate = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
    claim = candidate.claim
    target = claim.merged_into or claim
    appearance = ClaimAppearance.objects.filter(
        article_id=candidate.article_id,
        start=candidate.start,
        end=candidate.end,
        annotation=candidate.annotation,
    ).first()
    if appearance is not None and appearance.claim_id != target.pk:
        old = appearance.claim_id
        appearance.claim = target
        appearance.status = LinkStatus.CONFIRMED
        appearance.save(update_fields=["claim", "status"])
        _drop_if_empty(old, target.pk)
    elif appearance is None:
        source = candidate.suggestion
        appearance = ClaimAppearance.objects.create(
            claim=target,
            article_id=candidate.article_id,
            start=candidate.start,
            end=candidate.end,
            quote=candidate.quote,
            annotation=candidate.annotation,
            suggestion=source,
            outlet=candidate.article.source,
            claimant=(candidate.annotation or source).claimant
            if (candidate.annotation or source)
            else "",
            date=candidate.article.published_at,
            status=LinkStatus.CONFIRMED,
            score=candidate.score,
        )
    candidate.status = LinkStatus.CONFIRMED
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    detect_conflicts(claim_id=target.pk)
    _audit(
        user, "claim.confirm_match", target, via, candidate=candidate.pk, appearance=appearance.pk
    )
    return appearance


@transaction.atomic
def reject_candidate(*, user: Any, candidate: MatchCandidate, via: str = Via.UI) -> MatchCandidate:
    _require_reviewer(user)
    candidate = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
    candidate.status = LinkStatus.REJECTED
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    _audit(user, "claim.reject_match", candidate.claim, via, candidate=candidate.pk)
    return candidate


@transaction.atomic
def split_claim(*, user: Any, claim: Claim, appearance_ids: list[int], via: str = Via.UI) -> Claim:
    """Move the given appearances out into a new claim group."""
    _require_reviewer(user)
    if not isinstance(appearance_ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in appearance_ids
    ):
        raise GroupError("appearances must be a list of appearance ids.")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    moving = list(ClaimAppearance.objects.filter(claim=claim, pk__in=appearance_ids))
    if len(moving) != len(set(appearance_ids)) or not moving:
        raise GroupError("Name appearances of this claim to split off.")
    if len(moving) == claim.appearances.count():
        raise GroupError("Splitting off every appearance leaves nothing behind; keep at least one.")
    new = Claim.objects.create(canonical_text=moving[0].quote)
    ClaimAppearance.objects.filter(pk__in=[a.pk for a in moving]).update(
        claim=new, status=LinkStatus.CONFIRMED
    )
    claim.conflicts.filter(first__claim=new).delete()
    claim.conflicts.filter(second__claim=new).delete()
    detect_conflicts(claim_id=new.pk)
    _audit(user, "claim.split", claim, via, new_claim=new.pk, appearances=sorted(appearance_ids))
    return new


@transaction.atomic
def merge_claims(*, user: Any, target: Claim, other: Claim, via: str = Via.UI) -> Claim:
    """Every appearance of ``other`` joins ``target``; ``other`` points at it from then on."""
    _require_reviewer(user)
    if target.pk == other.pk:
        raise GroupError("A claim cannot be merged with itself.")
    target = Claim.objects.select_for_update().get(pk=target.pk)
    other = Claim.objects.select_for_update().get(pk=other.pk)
    if target.merged_into_id or other.merged_into_id:
        raise GroupError("One of the claims was merged already; open the claim it went into.")
    if other.published_at and not target.published_at:
        target, other = other, target
    for appearance in ClaimAppearance.objects.filter(claim=other):
        clash = ClaimAppearance.objects.filter(
            claim=target,
            article_id=appearance.article_id,
            start=appearance.start,
            end=appearance.end,
        ).exists()
        if clash:
            appearance.delete()
        else:
            appearance.claim = target
            appearance.save(update_fields=["claim"])
    MatchCandidate.objects.filter(claim=other).delete()
    other.conflicts.update(claim=target)
    other.merged_into = target
    other.save(update_fields=["merged_into", "updated_at"])
    detect_conflicts(claim_id=target.pk)
    _audit(user, "claim.merge", target, via, merged=other.pk)
    return target


def _scale_for(claim: Claim) -> VerdictScale:
    first = claim.appearances.select_related("article").order_by("pk").first()
    if first is not None:
        return first.article.verdict_scale
    return VerdictScale.objects.default()


@transaction.atomic
def publish_verdict(
    *,
    by: Any,
    claim: Claim,
    verdict: Any,
    rationale: Any = "",
    canonical_text: Any = None,
    via: str = Via.UI,
) -> Claim:
    """An adjudicator publishes one verdict for the whole group (every appearance)."""
    if not roles.is_adjudicator(by):
        raise PermissionError("Only adjudicators publish verdicts.")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.merged_into_id:
        raise GroupError("This claim was merged into another; publish that one.")
    scale = _scale_for(claim)
    label = (
        VerdictLabel.objects.filter(scale=scale, slug=verdict).first()
        if isinstance(verdict, str)
        else None
    )
    if label is None:
        slugs = ", ".join(scale.labels.values_list("slug", flat=True))
        raise GroupError(f"verdict must be one of: {slugs}.")
    if rationale is not None and not isinstance(rationale, str):
        raise GroupError("rationale must be text.")
    if canonical_text not in (None, ""):
        if not isinstance(canonical_text, str) or len(canonical_text) > MAX_CANONICAL_CHARS:
            raise GroupError(
                f"canonical_text must be text of at most {MAX_CANONICAL_CHARS} characters."
            )
        claim.canonical_text = canonical_text.strip()
    before = {
        "verdict": claim.verdict.slug if claim.verdict_id else None,
        "published_at": claim.published_at.isoformat() if claim.published_at else None,
    }
    claim.verdict = label
    claim.rationale = (rationale or "").strip()[:10_000]
    claim.published_at = timezone.now()
    claim.published_by = by
    claim.save(
        update_fields=[
            "verdict",
            "rationale",
            "published_at",
            "published_by",
            "canonical_text",
            "updated_at",
        ]
    )
    record(
        actor=by,
        via=via,
        action="claim.publish",
        obj=claim,
        article_id=None,
        before=before,
        after={"verdict": label.slug, "appearances": claim.appearances.count()},
    )
    return claim
