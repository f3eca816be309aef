"""Verdicts: what clients come for.

A verdict row is one annotation with a verdict (tag claim, estimate or denial):

* every FINAL annotation (the adjudicated result) is a row, with ``final_verdict`` set;
* every REVIEW annotation not covered by a final one is a row with ``final_verdict: null``.
  A final covers a review when it is on the same article and their spans overlap, or when
  the final is ``based_on`` it.

Each row carries ``reviewer_verdicts``: the reviewers' annotations (with a verdict) that
overlap it and that the caller may see. When a final appears, the review rows it covers
stop being rows; its ``supersedes`` lists their ids so a mirror can drop them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.api.filters import VerdictFilter
from annotations.api.formats import claim_review, iso, public_base, verdict_url
from annotations.api.pagination import ID_PATTERN, SYNC_ORDERING
from annotations.api.schema import sync_row, tombstone
from annotations.models import ARTICLE_HEAVY_FIELDS, Annotation, ArticleStatus, Tag, VerdictLabel
from annotations.models.review import AnnotationKind, ClaimantType

VERDICT_TAGS = (Tag.CLAIM, Tag.ESTIMATE, Tag.DENIAL)
# Columns of the article a verdict row needs; its text can be megabytes.
ARTICLE_HEAVY = tuple(f"article__{name}" for name in ARTICLE_HEAVY_FIELDS)

VERDICTS_DESCRIPTION = __doc__


# Only the columns a verdict row (or its ClaimReview) shows: building fewer, smaller model
# instances is most of the cost of a page.
ROW_FIELDS = (
    *(f.name for f in Annotation._meta.concrete_fields if not f.is_relation),
    "article", "reviewer", "verdict", "based_on",
    "article__title", "article__url", "article__source", "article__published_at",
    "article__status", "article__verdict_scale", "article__published_verdicts_at",
    "reviewer__username",
    "verdict__slug", "verdict__name", "verdict__ordinal", "verdict__is_rateable",
)  # fmt: skip


def verdict_queryset(user: Any, *, sync: bool = False) -> QuerySet[Annotation]:
    """Verdict rows visible to ``user``; with ``sync`` also tombstones (see is_tombstone)."""
    covering = Exists(
        Annotation.objects.visible_to(user)
        .filter(deleted_at__isnull=True, kind=AnnotationKind.FINAL)
        .filter(article_id=OuterRef("article_id"))
        .filter(
            Q(start__lt=OuterRef("end"), end__gt=OuterRef("start")) | Q(based_on_id=OuterRef("pk"))
        )
    )
    qs = (
        Annotation.objects.visible_to(user)
        .filter(tag__in=VERDICT_TAGS)
        .select_related("article", "reviewer", "verdict")
        .only(*ROW_FIELDS)
    )
    if sync:
        # Tombstones need to know whether a final now covers a review row.
        return qs.annotate(covered=covering)
    return qs.filter(deleted_at__isnull=True, verdict__isnull=False).filter(
        Q(kind=AnnotationKind.FINAL) | ~covering
    )


# A verdict row as a flat dict: fetched with .values() because building model instances
# (four per row with the joins) was most of the cost of a page.
ROW_VALUES = (
    "id", "kind", "tag", "quote", "start", "end", "prefix", "suffix", "claimant",
    "claimant_type", "note", "evidence_urls", "rationale", "created_at", "updated_at",
    "deleted_at", "verdict_id",
    "based_on_id", "article_id", "article__title", "article__url", "article__source",
    "article__published_at", "article__status", "reviewer__username", "verdict__slug",
    "verdict__name", "verdict__ordinal", "verdict__is_rateable",
)  # fmt: skip


def verdict_rows(queryset: QuerySet[Annotation]) -> QuerySet[Any]:
    """The queryset as flat dicts of ROW_VALUES (plus ``covered`` in sync mode)."""
    names = [*ROW_VALUES, "covered"] if "covered" in queryset.query.annotations else ROW_VALUES
    return queryset.values(*names)


def is_tombstone(row: dict[str, Any]) -> bool:
    """Deleted, without a verdict, or a review a final now covers: gone from the list."""
    return (
        row["deleted_at"] is not None
        or row["verdict_id"] is None
        or (row["kind"] == AnnotationKind.REVIEW and row.get("covered", False))
    )


REVIEW_COLUMNS = (
    "id", "article_id", "start", "end", "quote", "claimant", "state", "reviewer__username",
    "verdict__slug", "verdict__name", "verdict__ordinal", "verdict__is_rateable",
)  # fmt: skip


def attach_reviewer_verdicts(rows: Iterable[dict[str, Any]], user: Any) -> None:
    """Set ``row["reviewer_verdicts"]`` (ready-made dicts) on each row, with one query a page.

    Plain tuples rather than model instances, and each review's dict built once even when
    several rows share it: this is the hot path of the verdict list.
    """
    rows = [row for row in rows if not is_tombstone(row)]
    article_ids = {row["article_id"] for row in rows}
    by_article: dict[int, list[tuple[int, int, int, dict[str, Any]]]] = defaultdict(list)
    if article_ids:
        reviews = (
            Annotation.objects.visible_to(user)
            .filter(deleted_at__isnull=True, kind=AnnotationKind.REVIEW, verdict__isnull=False)
            .filter(article_id__in=article_ids)
            .order_by("article_id", "start", "end", "id")
            .values_list(*REVIEW_COLUMNS)
        )
        for pk, article_id, start, end, quote, claimant, state, username, *label in reviews:
            slug, name, ordinal, rateable = label
            by_article[article_id].append(
                (
                    pk,
                    start,
                    end,
                    {
                        "id": pk,
                        "reviewer": username,
                        "verdict": {
                            "slug": slug,
                            "name": name,
                            "ordinal": ordinal,
                            "is_rateable": rateable,
                        },
                        "quote": quote,
                        "start": start,
                        "end": end,
                        "claimant": claimant,
                        "state": state,
                    },
                )
            )
    for row in rows:
        row_start, row_end, based_on = row["start"], row["end"], row["based_on_id"]
        row["reviewer_verdicts"] = [
            review
            for pk, start, end, review in by_article.get(row["article_id"], ())
            if (start < row_end and row_start < end) or pk == based_on
        ]


def rating_bounds() -> dict[int, tuple[int, int]]:
    """(worst, best) rateable ordinal per scale id, in one query (as scale.rateable_ordinals)."""
    rows = (
        VerdictLabel.objects.filter(is_rateable=True, ordinal__isnull=False)
        .values("scale_id")
        .annotate(lo=Min("ordinal"), hi=Max("ordinal"))
    )
    return {row["scale_id"]: (row["lo"], row["hi"]) for row in rows}


# --- Serializers (fields describe the schema; to_representation is hand-written for speed) --


class LabelSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    ordinal = serializers.IntegerField(allow_null=True)
    is_rateable = serializers.BooleanField()


class VerdictArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    source = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()


class FinalVerdictSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    verdict = LabelSerializer()
    adjudicator = serializers.CharField()
    rationale = serializers.CharField()
    updated_at = serializers.DateTimeField()


class ReviewerVerdictSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The reviewer's annotation id.")
    reviewer = serializers.CharField()
    verdict = LabelSerializer()
    quote = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    claimant = serializers.CharField()
    state = serializers.CharField()


class VerdictSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Annotation id of the final (or review) row.")
    kind = serializers.ChoiceField(choices=AnnotationKind.choices)
    published = serializers.BooleanField(
        help_text="Official: a final verdict on an article whose verdicts are published."
    )
    deleted = serializers.BooleanField(help_text="Always false except in sync tombstones.")
    article = VerdictArticleSerializer()
    tag = serializers.ChoiceField(choices=Tag.choices)
    quote = serializers.CharField()
    start = serializers.IntegerField(help_text="Unicode code points into the article text.")
    end = serializers.IntegerField()
    prefix = serializers.CharField()
    suffix = serializers.CharField()
    claimant = serializers.CharField()
    claimant_type = serializers.ChoiceField(
        choices=ClaimantType.choices, allow_blank=True, help_text="Blank: unknown."
    )
    verdict = LabelSerializer(help_text="This row's verdict (the final one for a final row).")
    final_verdict = FinalVerdictSerializer(allow_null=True)
    reviewer_verdicts = ReviewerVerdictSerializer(many=True)
    supersedes = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Review-row ids this final replaces (drop them from a mirror).",
    )
    note = serializers.CharField()
    evidence_urls = serializers.ListField(child=serializers.URLField())
    url = serializers.URLField(help_text="Stable public address of this verdict.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, row: dict[str, Any]) -> dict[str, Any]:
        return verdict_dict(row, base=public_base(self.context.get("request")))


def _tombstone(row: dict[str, Any]) -> dict[str, Any]:
    reason = "deleted"
    if row["deleted_at"] is None:
        reason = "no_verdict" if row["verdict_id"] is None else "superseded"
    return {
        "id": row["id"],
        "deleted": True,
        "reason": reason,
        "updated_at": iso(row["updated_at"]),
    }


def verdict_dict(row: dict[str, Any], *, base: str) -> dict[str, Any]:
    """The JSON of one verdict row (a dict from verdict_rows, after attach_reviewer_verdicts)."""
    if is_tombstone(row):
        return _tombstone(row)
    final = row["kind"] == AnnotationKind.FINAL
    reviews = row.get("reviewer_verdicts", [])
    verdict = {
        "slug": row["verdict__slug"],
        "name": row["verdict__name"],
        "ordinal": row["verdict__ordinal"],
        "is_rateable": row["verdict__is_rateable"],
    }
    updated_at = iso(row["updated_at"])
    return {
        "id": row["id"],
        "kind": row["kind"],
        "published": final and row["article__status"] == ArticleStatus.PUBLISHED,
        "deleted": False,
        "article": {
            "id": row["article_id"],
            "title": row["article__title"],
            "url": row["article__url"],
            "source": row["article__source"],
            "published_at": iso(row["article__published_at"]),
            "status": row["article__status"],
        },
        "tag": row["tag"],
        "quote": row["quote"],
        "start": row["start"],
        "end": row["end"],
        "prefix": row["prefix"],
        "suffix": row["suffix"],
        "claimant": row["claimant"],
        "claimant_type": row["claimant_type"],
        "verdict": verdict,
        "final_verdict": {
            "id": row["id"],
            "verdict": verdict,
            "adjudicator": row["reviewer__username"],
            "rationale": row["rationale"],
            "updated_at": updated_at,
        }
        if final
        else None,
        "reviewer_verdicts": reviews,
        "supersedes": [r["id"] for r in reviews] if final else [],
        "note": row["note"],
        "evidence_urls": list(row["evidence_urls"] or []),
        "url": verdict_url(row["id"], base),
        "created_at": iso(row["created_at"]),
        "updated_at": updated_at,
    }


def is_sync_request(request: Request) -> bool:
    return bool(request.query_params.get("updated_since"))


@extend_schema_view(
    list=extend_schema(
        summary="List verdicts",
        description=VERDICTS_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "updated_since",
                str,
                description="ISO 8601. Sync mode: rows changed at or after it, ordered by "
                "(updated_at, id), with tombstones `{id, deleted: true, reason, updated_at}` "
                "for rows that were deleted, lost their verdict or were superseded by a final.",
            )
        ],
        responses={200: sync_row("Verdict", tombstone("reason"))},
    ),
    retrieve=extend_schema(summary="One verdict", description=VERDICTS_DESCRIPTION),
)
class VerdictViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = VerdictSerializer
    filterset_class = VerdictFilter

    def get_queryset(self) -> QuerySet[Annotation]:
        sync = self.action == "list" and is_sync_request(self.request)
        return verdict_queryset(self.request.user, sync=sync)

    def get_keyset_ordering(self) -> tuple[str, ...]:
        return SYNC_ORDERING if is_sync_request(self.request) else ("id",)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = verdict_rows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(queryset)
        attach_reviewer_verdicts(page, request.user)
        base = public_base(request)
        return self.get_paginated_response([verdict_dict(row, base=base) for row in page])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = verdict_rows(self.get_queryset().filter(pk=kwargs["pk"])).first()
        if row is None:
            raise NotFound("No verdict with this id that you can see.")
        attach_reviewer_verdicts([row], request.user)
        return Response(verdict_dict(row, base=public_base(request)))

    @extend_schema(
        summary="schema.org ClaimReview of one verdict",
        description="JSON-LD ClaimReview as search engines and fact-check aggregators "
        "ingest it. reviewRating.ratingValue is the label's ordinal; bestRating/worstRating "
        "span the scale's rateable labels; labels outside the rating (e.g. Unverifiable) "
        "have only alternateName.",
        responses={(200, "application/ld+json"): {"type": "object", "additionalProperties": True}},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def claimreview(self, request: Request, pk: str | None = None) -> Response:
        row = self.get_object()
        bounds = rating_bounds().get(row.article.verdict_scale_id)
        return Response(
            claim_review(row, bounds, base=public_base(request)),
            content_type="application/ld+json",
        )
