"""schema.org ClaimReview for a claim group: one review, every appearance."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from annotations.api.formats import SCHEMA_CONTEXT, claimant_type, public_url
from claims.models import Claim, ClaimAppearance


def claim_url(claim_id: int) -> str:
    return public_url(f"/claims/{claim_id}/")


def claim_review(claim: Claim, appearances: list[ClaimAppearance]) -> dict[str, Any]:
    """One ClaimReview; ``appearances`` are the ones the reader may see (articles loaded)."""
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
            work["author"] = {"@type": claimant_type(a.claimant), "name": a.claimant}
        works.append(work)
    item: dict[str, Any] = {"@type": "Claim", "appearance": works}
    claimants = [a.claimant for a in appearances if a.claimant]
    if claimants:
        item["author"] = {"@type": claimant_type(claimants[0]), "name": claimants[0]}
    dates = [a.date for a in appearances if a.date]
    if dates:
        item["datePublished"] = min(dates).date().isoformat()
    review: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "url": claim_url(claim.pk),
        "claimReviewed": claim.canonical_text,
        "itemReviewed": item,
        "reviewRating": rating,
        "author": {
            "@type": "Organization",
            "name": settings.FACTCHECK_ORGANIZATION,
            "url": settings.FACTCHECK_PUBLIC_URL,
        },
    }
    if claim.published_at:
        review["datePublished"] = claim.published_at.date().isoformat()
    return review
