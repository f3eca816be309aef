"""Agreement reports over the API: the stored rows the Celery jobs computed (never computed
inside the request). The metric definitions below are published in the OpenAPI schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models.fields.json import KeyTransform
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import roles
from annotations.api.pagination import StrictCursorPagination
from annotations.ids import parse_id
from annotations.models import AgreementReport, Article

HISTORY_LIMIT = 200


def _definitions() -> str:
    """The metric definitions of docs/agreement.md (the single source of the wording)."""
    path = Path(settings.BASE_DIR) / "docs" / "agreement.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return "Metric definitions: see docs/agreement.md in the source repository."
    # Drop the top-level title: the endpoint has its own summary.
    return text.split("\n", 1)[1].strip() if text.startswith("# ") else text


DEFINITIONS = _definitions()

METRIC_SHAPE = (
    "Every figure is a Metric object `{value, undefined_reason, counts, components}`: "
    "`value` is a number or null; when null, `undefined_reason` says why in words (a single "
    "reviewer, no spans, only one category used...). Values are never NaN."
)


class ArticleAgreementSerializer(serializers.Serializer):
    article = serializers.IntegerField(source="article_id")
    computed_at = serializers.DateTimeField()
    headline = serializers.FloatField(
        allow_null=True, help_text="Mean span F1 (overlap) over reviewer pairs; null if undefined."
    )
    inputs = serializers.JSONField(
        help_text="What the report covers: reviewers (submitted only), n_spans, newest "
        "annotation and submission times, text_length, revision."
    )
    report = serializers.JSONField(help_text="The article report (shape in the description).")


class ArticleAgreementListItemSerializer(serializers.Serializer):
    article = serializers.IntegerField(source="article_id")
    title = serializers.CharField(source="article.title")
    source = serializers.CharField(source="article.source")
    import_job = serializers.IntegerField(source="article.import_job_id", allow_null=True)
    computed_at = serializers.DateTimeField()
    headline = serializers.FloatField(allow_null=True)
    reviewers = serializers.SerializerMethodField()
    n_spans = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_reviewers(self, obj: Any) -> list[str]:
        return list(obj.reviewers or [])

    def get_n_spans(self, obj: Any) -> int:
        return int(obj.n_spans or 0)

    def get_url(self, obj: Any) -> str:
        return f"/api/agreement/articles/{obj.article_id}/"


class CorpusAgreementSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField()
    headline = serializers.FloatField(allow_null=True)
    inputs = serializers.JSONField(
        help_text="n_articles summed, newest_article_report, recomputed_articles (stale ones "
        "brought up to date first), started_at, seconds."
    )
    report = serializers.JSONField(
        help_text="{overall, by_source: {source: report}, by_import_job: {id|'none': report}}; "
        "each report has spans.by_tag (per tag) and spans.pairs, verdicts.cohen_kappa_by_pair "
        "and confusion (per reviewer pair)."
    )


class CorpusHistoryItemSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField()
    headline = serializers.FloatField(allow_null=True)
    inputs = serializers.JSONField()
    verdicts = serializers.JSONField(help_text="The overall verdict figures of that report.")
    unitizing = serializers.JSONField(help_text="The overall alpha_U of that report.")


class ArticleAgreementPagination(StrictCursorPagination):
    ordering = "article_id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _require_adjudicator(request: Request) -> None:
    if not roles.is_adjudicator(request.user):
        raise PermissionDenied("Corpus agreement reports are for adjudicators and admins.")


@extend_schema(
    summary="Agreement of one article",
    description=(
        "The stored agreement report of an article, recomputed by a background job a few "
        "seconds after a reviewer submits it. Only submitted work counts. Adjudicators and "
        "admins see every article; a reviewer sees an article's report only once they "
        "submitted that article themselves (blind review). 404 (problem details) when the "
        "report has not been computed yet or is not visible to you.\n\n"
        f"{METRIC_SHAPE}\n\n{DEFINITIONS}"
    ),
    responses={
        200: ArticleAgreementSerializer,
        404: OpenApiResponse(description="Not computed yet, or not visible to you."),
    },
)
@api_view(["GET"])
def article_agreement(request: Request, id: int) -> Response:
    if not Article.objects.visible_to(request.user).filter(pk=id).exists():
        raise NotFound(f"No article {id} that you can see.")
    row = AgreementReport.objects.visible_to(request.user).articles().filter(article_id=id).first()
    if row is None:
        raise NotFound(
            f"Agreement for article {id} has not been computed yet (it is, a few seconds "
            "after reviewers submit), or you have not submitted this article yourself."
        )
    return Response(ArticleAgreementSerializer(row).data)


@extend_schema(
    operation_id="agreement_articles_list",
    summary="Agreement of every article (list)",
    description=(
        "One row per article report you may see, ordered by article id, cursor-paginated. "
        "`headline` is the mean span F1 (overlap) over reviewer pairs. Filter with `source` "
        "or `import_job` (an id, or `none`). The full report of an article is at `url`."
    ),
    parameters=[
        OpenApiParameter("source", OpenApiTypes.STR, description="Only this outlet."),
        OpenApiParameter(
            "import_job",
            {"type": "string", "pattern": "^([0-9]{1,18}|none)$"},
            description="Import job id, or `none`.",
        ),
    ],
    responses={
        200: inline_serializer(
            "PaginatedArticleAgreementList",
            {
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": ArticleAgreementListItemSerializer(many=True),
            },
        )
    },
)
@api_view(["GET"])
def article_agreement_list(request: Request) -> Response:
    qs = (
        AgreementReport.objects.visible_to(request.user)
        .articles()
        .select_related("article")
        .only(
            "article_id",
            "computed_at",
            "headline",
            "article__title",
            "article__source",
            "article__import_job_id",
        )
        .annotate(
            reviewers=KeyTransform("reviewers", "inputs"),
            n_spans=KeyTransform("n_spans", "inputs"),
        )
    )
    source = request.query_params.get("source")
    if source and "\x00" in source:
        raise ValidationError({"source": ["Null characters are not allowed."]})
    if source is not None:
        qs = qs.filter(article__source=source)
    job = request.query_params.get("import_job")
    if job is not None:
        if job == "none":
            qs = qs.filter(article__import_job__isnull=True)
        elif job == "":
            pass  # empty: no filter, like every other parameter
        elif (job_id := parse_id(job)) is not None:
            qs = qs.filter(article__import_job_id=job_id)
        else:
            raise ValidationError({"import_job": ["An import job id, or `none`."]})
    paginator = ArticleAgreementPagination()
    page = paginator.paginate_queryset(qs, request)
    data = ArticleAgreementListItemSerializer(page, many=True).data
    return paginator.get_paginated_response(data)


@extend_schema(
    summary="Corpus agreement (latest report, or its history)",
    description=(
        "The latest corpus report, computed by a periodic background job (and on demand) by "
        "summing the stored sufficient statistics of every article report: overall, per "
        "source, per import job, per tag and per reviewer pair. Adjudicators and admins only. "
        "With `history=1`: the last corpus reports (newest last) with their overall headline, "
        "verdict and unitizing figures, for a trend.\n\n"
        f"{METRIC_SHAPE}\n\n{DEFINITIONS}"
    ),
    parameters=[
        OpenApiParameter(
            "history", OpenApiTypes.BOOL, description="1: the trend list instead of the report."
        )
    ],
    responses={
        200: PolymorphicProxySerializer(
            component_name="CorpusAgreementOrHistory",
            serializers=[
                CorpusAgreementSerializer,
                inline_serializer(
                    "CorpusAgreementHistory",
                    {"results": CorpusHistoryItemSerializer(many=True)},
                ),
            ],
            resource_type_field_name=None,
        ),
        404: OpenApiResponse(
            description="No corpus report computed yet, or you are not an adjudicator/admin."
        ),
    },
)
@api_view(["GET"])
def corpus_agreement(request: Request) -> Response:
    if not roles.is_adjudicator(request.user):
        # Invisible, like any object a user may not read: 404, not 403.
        raise NotFound("No corpus agreement report you can see.")
    rows = AgreementReport.objects.corpus()
    if request.query_params.get("history") in ("1", "true", "yes"):
        overall = KeyTransform("overall", "report")
        history = (
            rows.order_by("-computed_at", "-pk")
            .annotate(
                verdicts=KeyTransform("verdicts", overall),
                unitizing=KeyTransform("overall", KeyTransform("unitizing", overall)),
            )
            .values("computed_at", "headline", "inputs", "verdicts", "unitizing")[:HISTORY_LIMIT]
        )
        items = list(reversed(list(history)))
        return Response({"results": CorpusHistoryItemSerializer(items, many=True).data})
    row = rows.order_by("-computed_at", "-pk").first()
    if row is None:
        raise NotFound(
            "No corpus agreement report yet: the periodic job computes one, or POST "
            "/api/agreement/corpus/recompute/."
        )
    return Response(CorpusAgreementSerializer(row).data)


@extend_schema(
    summary="Recompute corpus agreement now",
    description=(
        "Queues the corpus agreement job (stale article reports first, then the corpus "
        "report) and returns 202 at once; GET /api/agreement/corpus/ shows the new report "
        "when the worker has stored it. Adjudicators and admins only."
    ),
    request=None,
    responses={202: OpenApiResponse(description="Queued.")},
)
@api_view(["POST"])
def recompute_corpus_agreement(request: Request) -> Response:
    _require_adjudicator(request)
    from annotations.tasks import compute_corpus_agreement

    compute_corpus_agreement.delay(force=True)
    last = AgreementReport.objects.corpus().order_by("-computed_at").first()
    return Response(
        {
            "status": "queued",
            "last_computed_at": last.computed_at.isoformat() if last is not None else None,
        },
        status=202,
    )
