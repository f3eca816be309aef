"""Standard shapes: schema.org ClaimReview and W3C Web Annotation, built from model rows.

Plain functions on already-fetched rows (no queries here), so that single objects, lists and
streamed exports produce the same JSON.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from annotations.models import Annotation, VerdictLabel
from annotations.models.review import AnchorStatus, ClaimantType

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
WEB_ANNOTATION_MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
SCHEMA_CONTEXT = "https://schema.org"

SCHEMA_TYPES = {ClaimantType.PERSON: "Person", ClaimantType.ORGANIZATION: "Organization"}


FALLBACK_BASE = "http://localhost:8000"


def public_base(request: HttpRequest | None) -> str:
    """Scheme and host of the public links: FACTCHECK_PUBLIC_URL when set, else the address
    the request came to (so the port the server runs on is right)."""
    if settings.FACTCHECK_PUBLIC_URL:
        return settings.FACTCHECK_PUBLIC_URL
    if request is None:
        return FALLBACK_BASE
    return request.build_absolute_uri("/").rstrip("/")


def public_url(path: str, base: str) -> str:
    return f"{base}{path}"


def verdict_url(annotation_id: int, base: str) -> str:
    """The stable public address of one verdict (ClaimReview ``url``), a page of
    annotations.web.verdicts."""
    return public_url(f"/verdicts/{annotation_id}/", base)


def is_orphaned(annotation: Annotation) -> bool:
    """An orphan's quote was not found in the current text after a revision: it keeps its old
    offsets (for the reviewer who fixes it), which must never be exported as if they held."""
    return annotation.anchor_status == AnchorStatus.ORPHANED


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with "Z" for UTC, like DRF's fields (no "+" to URL-encode when sent back)."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def label_dict(label: VerdictLabel | None) -> dict[str, Any] | None:
    if label is None:
        return None
    return {
        "slug": label.slug,
        "name": label.name,
        "ordinal": label.ordinal,
        "is_rateable": label.is_rateable,
    }


def claim_author(annotation: Annotation) -> dict[str, Any]:
    """``itemReviewed.author``: Person or Organization as the reviewer set it. When nobody
    said which, the node has only its ``name``: an untyped JSON-LD node is valid and claims
    nothing, where a guessed type would be wrong half the time."""
    author: dict[str, Any] = {"name": annotation.claimant}
    schema_type = SCHEMA_TYPES.get(annotation.claimant_type)
    if schema_type:
        author = {"@type": schema_type, **author}
    return author


def claim_review(
    annotation: Annotation, bounds: tuple[int, int] | None, *, base: str
) -> dict[str, Any]:
    """schema.org ClaimReview for one verdict annotation (article and verdict prefetched).

    ``bounds`` is the (worst, best) ordinal of the article's scale. A label outside the
    rating (e.g. "unverifiable") keeps its alternateName but has no ratingValue.
    """
    article = annotation.article
    label = annotation.verdict
    rating: dict[str, Any] = {"@type": "Rating"}
    if label is not None:
        if label.is_rateable and label.ordinal is not None and bounds is not None:
            rating["ratingValue"] = label.ordinal
            rating["worstRating"], rating["bestRating"] = bounds
        rating["alternateName"] = label.name
    claim: dict[str, Any] = {"@type": "Claim"}
    if annotation.claimant:
        claim["author"] = claim_author(annotation)
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if article.url:
        appearance["url"] = article.url
    if article.title:
        appearance["headline"] = article.title
    if article.source:
        appearance["publisher"] = {"@type": "Organization", "name": article.source}
    claim["appearance"] = [appearance]
    if article.published_at:
        claim["datePublished"] = article.published_at.date().isoformat()
    published = article.published_verdicts_at or annotation.updated_at
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "url": verdict_url(annotation.pk, base),
        "claimReviewed": annotation.quote,
        "itemReviewed": claim,
        "reviewRating": rating,
        "author": {
            "@type": "Organization",
            "name": settings.FACTCHECK_ORGANIZATION,
            "url": base,
        },
        "datePublished": published.date().isoformat(),
    }


def web_annotation(annotation: Annotation, *, base: str) -> dict[str, Any]:
    """W3C Web Annotation (JSON-LD) for one annotation (reviewer, verdict, article loaded).

    TextPositionSelector offsets count Unicode code points, which is what the W3C model means
    by characters, and what our offsets are. An orphan (its quote is gone from the current
    text) has only its TextQuoteSelector: its old offsets would point at unrelated text.
    """
    article = annotation.article
    body: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": annotation.tag}
    ]
    if annotation.verdict_id:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "assessing",
                "value": annotation.verdict.name,
                "id": public_url(
                    f"/api/verdict-scales/{article.verdict_scale_id}/#{annotation.verdict.slug}",
                    base,
                ),
            }
        )
    if annotation.claimant:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "identifying",
                "value": annotation.claimant,
                "format": "text/plain",
            }
        )
    if annotation.note:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": annotation.note,
                "format": "text/plain",
            }
        )
    for url in annotation.evidence_urls or []:
        body.append({"type": "SpecificResource", "purpose": "linking", "source": url})
    selectors: list[dict[str, Any]] = [
        {
            "type": "TextQuoteSelector",
            "exact": annotation.quote,
            "prefix": annotation.prefix,
            "suffix": annotation.suffix,
        }
    ]
    if not is_orphaned(annotation):
        selectors.append(
            {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end}
        )
    data: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": public_url(f"/api/annotations/{annotation.pk}/", base),
        "type": "Annotation",
        "motivation": "assessing" if annotation.verdict_id else "tagging",
        "creator": {
            "type": "Person",
            "nickname": annotation.reviewer.username,
        },
        "created": iso(annotation.created_at),
        "modified": iso(annotation.updated_at),
        "body": body,
        "target": {
            "source": article.url or public_url(f"/api/articles/{article.pk}/", base),
            "selector": selectors,
        },
    }
    return data
