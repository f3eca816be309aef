"""schema.org ClaimReview for a claim group: one review, every appearance."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from annotations.api.formats import SCHEMA_CONTEXT, claim_author, public_url
from claims.models import Claim, ClaimAppearance


def claim_url(claim_id: int, base: str) -> str:
    return public_url(f"/claims/{claim_id}/", base)


def _author(appearance: ClaimAppearance) -> dict[str, Any]:
    """The claimant as the reviewer typed it (annotations.api.formats.claim_author); a
    machine-made appearance gets its name and no guessed type."""
    if appearance.annotation_id is not None:
        return {**claim_author(appearance.annotation), "name": appearance.claimant}
    return {"name": appearance.claimant}


def claim_review(claim: Claim, appearances: list[ClaimAppearance], *, base: str) -> dict[str, Any]:
    """One ClaimReview; ``appearances`` are the ones the reader may see (articles loaded).
    ``base`` is the public base URL (annotations.api.formats.public_base)."""
    label = claim.verdict
    rating: dict[str, Any] = {"@type": "Rating"}
    if label is not None:
        bounds = label.scale.rateable_ordinals
        if label.is_rateable and label.ordinal is not None and bounds:
            rating["ratingValue"] = label.ordinal
            rating["worstRating"], rating["bestRating"] = bounds
        rating["alternateName"] = label.name
    works: list[dict[str, Any]] = []
    seen: set[int] = set()
    for a in appearances:
        if a.article_id in seen:
            continue
        seen.add(a.article_id)
        article = a.article
        work: dict[str, Any] = {"@type": "CreativeWork"}
        if article.url:
            work["url"] = article.url
        if article.title:
            work["headline"] = article.title
        if article.source:
            work["publisher"] = {"@type": "Organization", "name": article.source}
        if article.published_at:
            work["datePublished"] = article.published_at.date().isoformat()
        if a.claimant:
            work["author"] = _author(a)
        works.append(work)
    item: dict[str, Any] = {"@type": "Claim", "appearance": works}
    claimed = [a for a in appearances if a.claimant]
    if claimed:
        item["author"] = _author(claimed[0])
    dates = [a.date for a in appearances if a.date]
    if dates:
        item["datePublished"] = min(dates).date().isoformat()
    review: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "url": claim_url(claim.pk, base),
        "claimReviewed": claim.canonical_text,
        "itemReviewed": item,
        "reviewRating": rating,
        "author": {
            "@type": "Organization",
            "name": settings.FACTCHECK_ORGANIZATION,
            "url": base,
        },
    }
    if claim.published_at:
        review["datePublished"] = claim.published_at.date().isoformat()
    return review
