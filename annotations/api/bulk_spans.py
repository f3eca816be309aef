"""API: create and change many spans of one article in one request, all or nothing."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.api.errors import problem
from annotations.api.serializers import AnnotationSerializer
from annotations.api.views import _via
from annotations.models import Article
from annotations.services.bulk_spans import (
    MAX_SPANS_PER_REQUEST,
    BulkSpanError,
    BulkStaleVersion,
    write_spans,
)

SPAN_HELP = (
    "Without `id`: a new span (start, end, quote, tag; optionally verdict, claimant, "
    "claimant_type, note, evidence_urls). With `id`: a change to your span (any of those "
    "fields; start, end and quote together) and, recommended, the `version` you read "
    "(optimistic locking)."
)


@extend_schema(
    summary="Create and change many of your spans of one article (atomic)",
    description=(
        f'Body: `{{"spans": [...]}}`, at most {MAX_SPANS_PER_REQUEST}. {SPAN_HELP} '
        "All or nothing: one invalid span and nothing is saved; the 400 problem lists every "
        "failing span (`span_errors`: index, field, message). A stale `version` is 412 "
        "(`stale`: index, id, current_version). Each span is validated and audited as a "
        "single write would be. Answers the spans in the order given, each with its version."
    ),
    request=inline_serializer(
        "BulkSpansRequest",
        {
            "spans": serializers.ListField(
                child=serializers.DictField(), min_length=1, max_length=MAX_SPANS_PER_REQUEST
            )
        },
    ),
    responses={
        200: inline_serializer(
            "BulkSpansResponse",
            {"article": serializers.IntegerField(), "annotations": AnnotationSerializer(many=True)},
        ),
        400: OpenApiResponse(description="problem+json with `span_errors`"),
        403: OpenApiResponse(description="problem+json"),
        412: OpenApiResponse(description="problem+json with `stale`"),
    },
)
@api_view(["POST"])
def article_spans(request: Request, pk: int) -> Response:
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
    spans: Any = request.data.get("spans") if isinstance(request.data, dict) else None
    try:
        written = write_spans(user=request.user, article=article, spans=spans, via=_via(request))
    except BulkSpanError as exc:
        return problem(
            400,
            "Invalid spans",
            str(exc),
            errors={f"spans[{e['index']}].{e['field']}": [e["message"]] for e in exc.errors},
            span_errors=exc.errors,
        )
    except BulkStaleVersion as exc:
        return problem(412, "Precondition failed", str(exc), stale=exc.stale)
    return Response(
        {"article": article.pk, "annotations": AnnotationSerializer(written, many=True).data}
    )
