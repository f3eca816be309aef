"""Bulk exports, streamed with constant memory.

Rows come from ``QuerySet.iterator(chunk_size=…)`` (a server-side cursor on PostgreSQL), are
turned into bytes one at a time and handed to a StreamingHttpResponse, so an export of any
size holds one chunk in memory. Per-article formats (doccano, Label Studio) walk the articles
in batches and fetch each batch's texts and annotations with one query apiece.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request

from annotations import roles
from annotations.api.filters import (
    AnnotationFilter,
    FilterBackend,
    VerdictFilter,
    filter_parameters,
    reject_repeated,
)
from annotations.api.formats import (
    ANNO_CONTEXT,
    claim_review,
    is_orphaned,
    iso,
    public_base,
    public_url,
    web_annotation,
)
from annotations.api.renderers import (
    CSVRenderer,
    JSONLDRenderer,
    JSONLinesRenderer,
    JSONStreamRenderer,
)
from annotations.api.verdicts import ARTICLE_HEAVY, rating_bounds, verdict_queryset
from annotations.models import Annotation, Article, ArticleStatus
from annotations.models.review import AnnotationKind

CHUNK = 2000
ARTICLE_BATCH = 200
CSV_COLUMNS = [
    "id", "article_id", "article_url", "article_title", "reviewer", "kind", "state", "tag",
    "verdict", "verdict_name", "start", "end", "quote", "claimant", "claimant_type", "note",
    "evidence_urls", "version", "created_at", "updated_at", "orphaned",
]  # fmt: skip
FILTER_NOTE = "Accepts the filters of /api/annotations/ (article, tag, verdict, reviewer, …)."


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def annotation_record(a: Annotation) -> dict[str, Any]:
    """One annotation as in /api/annotations/ (plus the article's URL and title).

    An orphan (see ``is_orphaned``) has ``"orphaned": true`` and null offsets.
    """
    orphaned = is_orphaned(a)
    return {
        "id": a.pk,
        "article": a.article_id,
        "article_url": a.article.url,
        "article_title": a.article.title,
        "reviewer": a.reviewer.username,
        "kind": a.kind,
        "start": None if orphaned else a.start,
        "end": None if orphaned else a.end,
        "quote": a.quote,
        "prefix": a.prefix,
        "suffix": a.suffix,
        "tag": a.tag,
        "verdict": a.verdict.slug if a.verdict_id else None,
        "verdict_name": a.verdict.name if a.verdict_id else None,
        "claimant": a.claimant,
        "claimant_type": a.claimant_type,
        "note": a.note,
        "evidence_urls": list(a.evidence_urls or []),
        "state": a.state,
        "version": a.version,
        "created_at": iso(a.created_at),
        "updated_at": iso(a.updated_at),
        "orphaned": orphaned,
    }


def _csv_cell(value: Any) -> Any:
    # Spreadsheet formula injection: a cell starting with = + - @ would be executed.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def filtered_annotations(request: Request) -> QuerySet[Annotation]:
    qs = (
        Annotation.objects.visible_to(request.user)
        .alive()
        .select_related("article", "reviewer", "verdict")
        .defer(*ARTICLE_HEAVY)
    )
    reject_repeated(request.query_params, AnnotationFilter.base_filters)
    filterset = AnnotationFilter(request.query_params, queryset=qs, request=request)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs.order_by("id")


def _stream(
    chunks: Iterable[str | bytes], content_type: str, filename: str, *, prime: int = 1
) -> Any:
    """Stream ``chunks``, after pulling the first ``prime`` of them here in the view.

    Priming runs the first query before the 200 status is sent, so that a database error
    becomes an error response (and the transaction is not left aborted mid-stream).
    """
    iterator = iter(chunks)
    head = list(itertools.islice(iterator, prime))
    response = StreamingHttpResponse(
        (c.encode() if isinstance(c, str) else c for c in itertools.chain(head, iterator)),
        content_type=content_type,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%d-%H%M%S")


def utf16_offset(text: str, index: int) -> int:
    """Code point index → UTF-16 code unit index (for tools that count like JavaScript)."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def articles_with_annotations(
    annotations: QuerySet[Annotation],
) -> Iterator[tuple[Article, list[Annotation]]]:
    """(article, its annotations in ``annotations``) in article order, a batch at a time."""
    last = 0
    ids_qs = annotations.order_by("article_id").values_list("article_id", flat=True).distinct()
    while True:
        ids = list(ids_qs.filter(article_id__gt=last)[:ARTICLE_BATCH])
        if not ids:
            return
        articles = Article.objects.only("id", "title", "url", "source", "text").in_bulk(ids)
        by_article: dict[int, list[Annotation]] = defaultdict(list)
        for a in annotations.filter(article_id__in=ids).order_by(
            "article_id", "start", "end", "id"
        ):
            by_article[a.article_id].append(a)
        for article_id in ids:
            yield articles[article_id], by_article[article_id]
        last = ids[-1]


JSON_OBJECT = {"type": "object", "additionalProperties": True}
JSON_ARRAY = {"type": "array", "items": JSON_OBJECT}
EXPORT_RESPONSES = {400: OpenApiResponse(description="Problem: a bad filter value.")}


class _Export(GenericAPIView):
    """Exports are GenericAPIViews so that the schema lists their filter parameters."""

    filter_backends = [FilterBackend]
    filterset_class: Any = AnnotationFilter
    pagination_class = None

    def get_queryset(self) -> QuerySet[Annotation]:
        return Annotation.objects.visible_to(self.request.user)


class AnnotationsJSONLExport(_Export):
    renderer_classes = [JSONLinesRenderer]

    @extend_schema(
        summary="All annotations you can see, one JSON object per line",
        description=FILTER_NOTE,
        parameters=filter_parameters(AnnotationFilter),
        responses={(200, "application/x-ndjson"): OpenApiTypes.STR, **EXPORT_RESPONSES},
    )
    def get(self, request: Request) -> Any:
        qs = filtered_annotations(request)
        lines = (_dumps(annotation_record(a)) + "\n" for a in qs.iterator(chunk_size=CHUNK))
        return _stream(lines, "application/x-ndjson", f"annotations-{_stamp()}.jsonl")


class AnnotationsCSVExport(_Export):
    renderer_classes = [CSVRenderer]

    @extend_schema(
        summary="All annotations you can see as CSV (UTF-8, header row)",
        description=FILTER_NOTE + " Evidence URLs are separated by spaces.",
        parameters=filter_parameters(AnnotationFilter),
        responses={(200, "text/csv"): OpenApiTypes.STR, **EXPORT_RESPONSES},
    )
    def get(self, request: Request) -> Any:
        qs = filtered_annotations(request)

        def rows() -> Iterator[str]:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(CSV_COLUMNS)
            for a in qs.iterator(chunk_size=CHUNK):
                record = annotation_record(a)
                record["article_id"] = record["article"]
                record["evidence_urls"] = " ".join(record["evidence_urls"])
                writer.writerow([_csv_cell(record[c]) for c in CSV_COLUMNS])
                if buffer.tell() > 64 * 1024:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

        return _stream(rows(), "text/csv; charset=utf-8", f"annotations-{_stamp()}.csv")


class ClaimReviewExport(_Export):
    filterset_class = VerdictFilter
    renderer_classes = [JSONLinesRenderer, JSONStreamRenderer]

    @extend_schema(
        summary="schema.org ClaimReview of every published final verdict",
        description="One ClaimReview JSON-LD object per line (`.jsonl`) or a JSON array "
        "(`.json`). Covers official verdicts: finals on published articles. Adjudicators and "
        "admins may add `include_unpublished=true`. Accepts the verdict filters.",
        parameters=[
            *filter_parameters(VerdictFilter),
            OpenApiParameter("include_unpublished", bool, description="Adjudicators only."),
        ],
        responses={
            (200, "application/x-ndjson"): OpenApiTypes.STR,
            (200, "application/json"): JSON_ARRAY,
            **EXPORT_RESPONSES,
        },
    )
    def get(self, request: Request, fmt: str = "jsonl") -> Any:
        include = request.query_params.get("include_unpublished", "").lower()
        if include not in ("", "true", "false", "1", "0"):
            raise ValidationError({"include_unpublished": ["Use true or false."]})
        qs = verdict_queryset(request.user).filter(kind=AnnotationKind.FINAL)
        if not (include in ("true", "1") and roles.is_adjudicator(request.user)):
            qs = qs.filter(article__status=ArticleStatus.PUBLISHED)
        reject_repeated(request.query_params, VerdictFilter.base_filters)
        filterset = VerdictFilter(request.query_params, queryset=qs, request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        qs = filterset.qs.order_by("id")
        bounds = rating_bounds()
        base = public_base(request)

        def items() -> Iterator[str]:
            for row in qs.iterator(chunk_size=CHUNK):
                scale_bounds = bounds.get(row.article.verdict_scale_id)
                yield _dumps(claim_review(row, scale_bounds, base=base))

        if fmt == "json":
            return _stream(_json_array(items()), "application/json", "claimreview.json", prime=2)
        lines = (item + "\n" for item in items())
        return _stream(lines, "application/x-ndjson", f"claimreview-{_stamp()}.jsonl")


def _json_array(items: Iterable[str], head: str = "[", tail: str = "]") -> Iterator[str]:
    yield head
    first = True
    for item in items:
        yield item if first else "," + item
        first = False
    yield tail + "\n"


class WebAnnotationExport(_Export):
    renderer_classes = [JSONLDRenderer]

    @extend_schema(
        summary="W3C Web Annotation collection of every annotation you can see",
        description="An AnnotationCollection whose first AnnotationPage embeds all items "
        "(streamed). TextPositionSelector offsets are Unicode code points. " + FILTER_NOTE,
        parameters=filter_parameters(AnnotationFilter),
        responses={(200, "application/ld+json"): JSON_OBJECT, **EXPORT_RESPONSES},
    )
    def get(self, request: Request) -> Any:
        qs = filtered_annotations(request)
        base = public_base(request)
        collection = public_url("/api/exports/webannotation.jsonld", base)
        head = (
            "{"
            f'"@context":{_dumps(ANNO_CONTEXT)},"id":{_dumps(collection)},'
            '"type":"AnnotationCollection","label":"Annotations",'
            f'"first":{{"id":{_dumps(collection + "#page1")},"type":"AnnotationPage",'
            '"items":['
        )
        items = (_dumps(web_annotation(a, base=base)) for a in qs.iterator(chunk_size=CHUNK))
        return _stream(
            _json_array(items, head=head, tail="]}}"),
            'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
            f"webannotation-{_stamp()}.jsonld",
            prime=2,
        )


OFFSETS_PARAM = OpenApiParameter(
    "offsets",
    str,
    enum=["codepoints", "utf16"],
    description="codepoints (default; Python, doccano, current Label Studio) or utf16 "
    "(tools that count like JavaScript strings).",
)


def _offset_mode(request: Request) -> bool:
    mode = request.query_params.get("offsets") or "codepoints"
    if mode not in ("codepoints", "utf16"):
        raise ValidationError({"offsets": ["Use codepoints or utf16."]})
    return mode == "utf16"


class DoccanoExport(_Export):
    renderer_classes = [JSONLinesRenderer]

    @extend_schema(
        summary="doccano sequence-labelling JSONL: one article per line",
        description='`{"text": ..., "label": [[start, end, "claim"], ...], ...}`; offsets '
        "in code points (doccano counts like Python). Add `reviewer=` or `kind=final` to "
        "export one person's (or the final) spans. " + FILTER_NOTE,
        parameters=[*filter_parameters(AnnotationFilter), OFFSETS_PARAM],
        responses={(200, "application/x-ndjson"): OpenApiTypes.STR, **EXPORT_RESPONSES},
    )
    def get(self, request: Request) -> Any:
        utf16 = _offset_mode(request)
        qs = filtered_annotations(request)

        def lines() -> Iterator[str]:
            for article, all_spans in articles_with_annotations(qs):
                text = article.text
                spans = [a for a in all_spans if not is_orphaned(a)]

                def off(i: int, text: str = text) -> int:
                    return utf16_offset(text, i) if utf16 else i

                record = {
                    "id": article.pk,
                    "text": text,
                    "label": [[off(a.start), off(a.end), a.tag] for a in spans],
                    "title": article.title,
                    "url": article.url,
                    "source": article.source,
                    "annotations": [
                        {
                            "id": a.pk,
                            "reviewer": a.reviewer.username,
                            "kind": a.kind,
                            "verdict": a.verdict.slug if a.verdict_id else None,
                        }
                        for a in spans
                    ],
                    # Not in the current text (after a revision): no offsets to give.
                    "orphaned": [
                        {"id": a.pk, "reviewer": a.reviewer.username, "quote": a.quote}
                        for a in all_spans
                        if is_orphaned(a)
                    ],
                }
                yield _dumps(record) + "\n"

        return _stream(lines(), "application/x-ndjson", f"doccano-{_stamp()}.jsonl")


class LabelStudioExport(_Export):
    renderer_classes = [JSONStreamRenderer]

    @extend_schema(
        summary="Label Studio tasks (JSON array) with one annotation per reviewer",
        description="Tasks `{data: {text, ...}, annotations: [{result: [...]}]}` for a "
        'labelling config with `<Labels name="label" toName="text">` (claim, denial, '
        'estimate) and a per-region `<Choices name="verdict" toName="text" perRegion="true">`'
        ". Finals are the annotation with `ground_truth: true`. " + FILTER_NOTE,
        parameters=[*filter_parameters(AnnotationFilter), OFFSETS_PARAM],
        responses={(200, "application/json"): JSON_ARRAY, **EXPORT_RESPONSES},
    )
    def get(self, request: Request) -> Any:
        utf16 = _offset_mode(request)
        qs = filtered_annotations(request)

        def tasks() -> Iterator[str]:
            for article, spans in articles_with_annotations(qs):
                yield _dumps(label_studio_task(article, spans, utf16=utf16))

        return _stream(
            _json_array(tasks()), "application/json", f"labelstudio-{_stamp()}.json", prime=2
        )


def label_studio_task(
    article: Article, annotations: list[Annotation], *, utf16: bool = False
) -> dict[str, Any]:
    text = article.text
    groups: dict[tuple[str, str], list[Annotation]] = defaultdict(list)
    orphaned: dict[tuple[str, str], list[int]] = defaultdict(list)
    for a in annotations:
        groups[(a.kind, a.reviewer.username)].append(a)
        if is_orphaned(a):
            orphaned[(a.kind, a.reviewer.username)].append(a.pk)
    out = []
    for (kind, reviewer), spans in groups.items():
        result: list[dict[str, Any]] = []
        for a in spans:
            if is_orphaned(a):
                continue  # its offsets do not hold for this text; listed in meta
            start = utf16_offset(text, a.start) if utf16 else a.start
            end = utf16_offset(text, a.end) if utf16 else a.end
            value = {"start": start, "end": end, "text": a.quote}
            region = f"fc{a.pk}"
            result.append(
                {
                    "id": region,
                    "from_name": "label",
                    "to_name": "text",
                    "type": "labels",
                    "value": {**value, "labels": [a.tag]},
                }
            )
            if a.verdict_id:
                result.append(
                    {
                        "id": region,
                        "from_name": "verdict",
                        "to_name": "text",
                        "type": "choices",
                        "value": {**value, "choices": [a.verdict.slug]},
                    }
                )
        out.append(
            {
                "result": result,
                "ground_truth": kind == AnnotationKind.FINAL,
                "meta": {
                    "reviewer": reviewer,
                    "kind": kind,
                    "orphaned_annotation_ids": orphaned[(kind, reviewer)],
                },
            }
        )
    return {
        "data": {
            "text": text,
            "article_id": article.pk,
            "title": article.title,
            "url": article.url,
            "source": article.source,
        },
        "annotations": out,
    }
