"""The public page of one published verdict: the address ClaimReview ``url`` points at.

No login: what search engines and readers follow. It embeds the ClaimReview JSON-LD in a
``<script type="application/ld+json">`` (a data block, never executed, so a strict CSP allows
it) with ``<``, ``>`` and ``&`` escaped so that no text can close the script element.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from annotations.api.formats import claim_review, public_base, verdict_url
from annotations.api.verdicts import rating_bounds
from annotations.models import Annotation

_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _is_http_url(url: str | None) -> bool:
    """Only http(s) links are rendered: a stored "javascript:" URL must never become one."""
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def json_ld(data: object) -> str:
    """JSON for inside a <script> element: no "</script>" or "<!--" can appear in it."""
    return mark_safe(json.dumps(data, ensure_ascii=False, indent=2).translate(_SCRIPT_ESCAPES))


@require_GET
def verdict_page(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = get_object_or_404(
        Annotation.objects.published_verdicts().select_related("article", "verdict", "reviewer"),
        pk=pk,
    )
    article = annotation.article
    base = public_base(request)
    bounds = rating_bounds().get(article.verdict_scale_id)
    data = claim_review(annotation, bounds, base=base)
    context = {
        "annotation": annotation,
        "article": article,
        "article_link": article.url if _is_http_url(article.url) else "",
        "evidence_links": [u for u in annotation.evidence_urls or [] if _is_http_url(u)],
        "claim_review_json": json_ld(data),
        "page_url": verdict_url(annotation.pk, base),
        "organization": data["author"]["name"],
    }
    return render(request, "annotations/verdict.html", context)
