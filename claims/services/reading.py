"""What a user may see of claim groups (every read goes through the visibility methods)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from annotations.models import ARTICLE_HEAVY_FIELDS, Article
from claims.models import Claim, ClaimAppearance, FigureConflict, MatchCandidate


def visible_claims(user: Any) -> QuerySet[Claim]:
    """Live claims with the number of distinct articles whose appearances the user may see."""
    appearances = ClaimAppearance.objects.visible_to(user).values("pk")
    return (
        Claim.objects.live()
        .visible_to(user)
        .select_related("verdict")
        .annotate(
            visible_articles=Count(
                "appearances__article", filter=Q(appearances__in=appearances), distinct=True
            )
        )
    )


def appearances_of(user: Any, claim: Claim) -> list[ClaimAppearance]:
    return list(
        ClaimAppearance.objects.visible_to(user)
        .filter(claim=claim)
        .select_related("article", "annotation")
        .order_by("date", "article_id", "start")
    )


def conflicts_of(user: Any, claim: Claim | None = None) -> QuerySet[FigureConflict]:
    """The conflicts ``user`` may see (of one claim), with both appearances and their
    articles' light columns (pages show titles, never the texts)."""
    qs = (
        FigureConflict.objects.visible_to(user)
        .select_related("first__article", "second__article", "claim")
        .defer(
            *(f"{side}__article__{name}" for side in ("first", "second")
              for name in ARTICLE_HEAVY_FIELDS)
        )
    )  # fmt: skip
    return qs.filter(claim=claim) if claim is not None else qs


@dataclass
class ArticleClaim:
    claim: Claim
    quotes: list[ClaimAppearance]
    others: list[ClaimAppearance]
    conflicts: list[FigureConflict] = field(default_factory=list)

    @property
    def other_article_count(self) -> int:
        return len({a.article_id for a in self.others})


def claims_in_article(user: Any, article: Article) -> list[ArticleClaim]:
    """Claim groups with an appearance in this article that also appear elsewhere."""
    visible = ClaimAppearance.objects.visible_to(user)
    here = list(visible.filter(article=article).select_related("claim", "claim__verdict"))
    claim_ids = {a.claim_id for a in here}
    others = list(
        visible.filter(claim_id__in=claim_ids).exclude(article=article).select_related("article")
    )
    conflicts = list(conflicts_of(user).filter(claim_id__in=claim_ids).open())
    out = []
    for claim_id in sorted(claim_ids):
        mine = [a for a in here if a.claim_id == claim_id]
        theirs = [a for a in others if a.claim_id == claim_id]
        if not theirs:
            continue
        out.append(
            ArticleClaim(
                claim=mine[0].claim,
                quotes=mine,
                others=theirs,
                conflicts=[c for c in conflicts if c.claim_id == claim_id],
            )
        )
    return sorted(out, key=lambda c: min(a.start for a in c.quotes))


def candidates_in_article(user: Any, article: Article) -> QuerySet[MatchCandidate]:
    return (
        MatchCandidate.objects.visible_to(user)
        .filter(article=article, status="suggested")
        .select_related("claim")
    )
