"""REST API for claims: thin views over claims.services, reads through visible_to."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import roles
from annotations.api.authentication import IsAdjudicator
from annotations.api.formats import public_base
from annotations.ids import parse_id
from annotations.models import Article, Via
from annotations.services.annotating import AnnotationError
from claims.api import serializers as s
from claims.models import (
    Claim,
    ClaimAppearance,
    ConflictStatus,
    FigureConflict,
    LinkStatus,
    MatchCandidate,
    Suggestion,
    SuggestionDecision,
)
from claims.services import conflicts, factchecks, groups, matching, reading, suggestions
from claims.services.claimreview import claim_review


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    number = parse_id(raw)
    if number is None or number < 1:
        raise ValidationError({name: [f"{name} must be an id (ASCII digits, 1 or more)."]})
    return number


def _bool_param(request: Request, name: str) -> bool:
    raw = (request.query_params.get(name) or "").strip().lower()
    if raw in ("", "false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    raise ValidationError({name: [f"{name} must be true or false."]})


def _choice_param(request: Request, name: str, choices: list[str]) -> str | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw not in choices:
        raise ValidationError({name: [f"{name} must be one of: {', '.join(choices)}."]})
    return raw


def _fail(exc: Exception, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({getattr(exc, "field", field): [str(exc)]})


ARTICLE = OpenApiParameter("article", int, description="Only this article.")
CONFLICT_STATES = [c.value for c in ConflictStatus]
CANDIDATE_STATES = [c.value for c in LinkStatus]


class ClaimList(generics.ListAPIView):
    """Claim groups you may see; `multi=1` keeps those appearing in two or more articles."""

    serializer_class = s.ClaimSerializer

    @extend_schema(
        parameters=[
            ARTICLE,
            OpenApiParameter("multi", bool, description="Only groups spanning articles."),
            OpenApiParameter("published", bool, description="Only claims with a verdict."),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Claim]:
        qs = reading.visible_claims(self.request.user)
        article = _int_param(self.request, "article")
        if article is not None:
            qs = qs.filter(appearances__article_id=article).distinct()
        if _bool_param(self.request, "multi"):
            qs = qs.filter(visible_articles__gte=2)
        if _bool_param(self.request, "published"):
            qs = qs.filter(published_at__isnull=False)
        return qs


def _claim(request: Request, pk: int) -> Claim:
    return get_object_or_404(reading.visible_claims(request.user), pk=pk)


class ClaimDetail(APIView):
    @extend_schema(responses=s.ClaimDetailSerializer, summary="A claim group with its appearances")
    def get(self, request: Request, pk: int) -> Response:
        claim = _claim(request, pk)
        context = {
            "appearances": reading.appearances_of(request.user, claim),
            "conflicts": list(reading.conflicts_of(request.user, claim)),
        }
        return Response(s.ClaimDetailSerializer(claim, context=context).data)


class ClaimReviewView(APIView):
    @extend_schema(
        responses=inline_serializer("ClaimGroupReview", {"@type": serializers.CharField()}),
        summary="schema.org ClaimReview of a claim group, with every appearance",
    )
    def get(self, request: Request, pk: int) -> Response:
        claim = _claim(request, pk)
        if claim.published_at is None:
            raise ValidationError({"verdict": ["This claim has no published verdict yet."]})
        return Response(
            claim_review(
                claim, reading.appearances_of(request.user, claim), base=public_base(request)
            )
        )


class ClaimReviewList(generics.ListAPIView):
    """One ClaimReview per published claim group, each with every appearance you may see."""

    serializer_class = s.ClaimSerializer  # for the schema's pagination; rows are built below

    @extend_schema(
        responses=inline_serializer(
            "ClaimGroupReviewPage",
            {"next": serializers.CharField(allow_null=True), "results": serializers.ListField()},
        ),
        summary="schema.org ClaimReview of every published claim group",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            [claim_review(c, list(c.visible_appearances), base=public_base(request)) for c in page]
        )

    def get_queryset(self) -> QuerySet[Claim]:
        visible = (
            ClaimAppearance.objects.visible_to(self.request.user)
            .select_related("article", "annotation")
            .order_by("date", "article_id", "start")
        )
        return (
            reading.visible_claims(self.request.user)
            .filter(published_at__isnull=False)
            .select_related("verdict__scale")
            .prefetch_related(Prefetch("appearances", visible, to_attr="visible_appearances"))
        )


class PublishVerdict(APIView):
    permission_classes = [*APIView.permission_classes, IsAdjudicator]

    @extend_schema(
        request=s.PublishSerializer,
        responses=s.ClaimSerializer,
        summary="Publish one verdict for the whole claim group",
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = _claim(request, pk)
        body = s.PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            claim = groups.publish_verdict(
                by=request.user, claim=claim, via=Via.API, **body.validated_data
            )
        except groups.GroupError as exc:
            raise _fail(exc, "verdict") from None
        return Response(s.ClaimSerializer(claim).data)


class MergeClaims(APIView):
    @extend_schema(
        request=s.MergeSerializer,
        responses=s.ClaimSerializer,
        summary="Merge another claim group into this one",
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = _claim(request, pk)
        body = s.MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        other = _claim(request, body.validated_data["other"])
        try:
            target = groups.merge_claims(user=request.user, target=claim, other=other, via=Via.API)
        except groups.GroupError as exc:
            raise _fail(exc, "other") from None
        return Response(s.ClaimSerializer(target).data)


class SplitClaim(APIView):
    @extend_schema(
        request=s.SplitSerializer,
        responses=s.ClaimSerializer,
        summary="Move appearances out into a new claim group",
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = _claim(request, pk)
        body = s.SplitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data["appearances"]
        visible = set(
            ClaimAppearance.objects.visible_to(request.user)
            .filter(claim=claim, pk__in=ids)
            .values_list("pk", flat=True)
        )
        if visible != set(ids):
            raise ValidationError({"appearances": ["Name appearances of this claim."]})
        try:
            new = groups.split_claim(
                user=request.user, claim=claim, appearance_ids=ids, via=Via.API
            )
        except groups.GroupError as exc:
            raise _fail(exc, "appearances") from None
        return Response(s.ClaimSerializer(new).data, status=status.HTTP_201_CREATED)


class AppearanceList(generics.ListAPIView):
    serializer_class = s.AppearanceSerializer

    @extend_schema(parameters=[ARTICLE, OpenApiParameter("claim", int)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ClaimAppearance]:
        qs = ClaimAppearance.objects.visible_to(self.request.user).select_related("article")
        for name in ("article", "claim"):
            value = _int_param(self.request, name)
            if value is not None:
                qs = qs.filter(**{f"{name}_id": value})
        return qs


class ConflictList(generics.ListAPIView):
    serializer_class = s.ConflictSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=CONFLICT_STATES),
            OpenApiParameter("claim", int),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[FigureConflict]:
        qs = reading.conflicts_of(self.request.user)
        state = _choice_param(self.request, "status", CONFLICT_STATES)
        if state:
            qs = qs.filter(status=state)
        claim = _int_param(self.request, "claim")
        if claim is not None:
            qs = qs.filter(claim_id=claim)
        return qs


class ResolveConflict(APIView):
    permission_classes = [*APIView.permission_classes, IsAdjudicator]

    @extend_schema(request=s.ResolveSerializer, responses=s.ConflictSerializer)
    def post(self, request: Request, pk: int) -> Response:
        conflict = get_object_or_404(reading.conflicts_of(request.user), pk=pk)
        body = s.ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            conflict = conflicts.resolve_conflict(
                by=request.user, conflict=conflict, via=Via.API, **body.validated_data
            )
        except conflicts.ConflictError as exc:
            raise _fail(exc, "resolution") from None
        return Response(s.ConflictSerializer(conflict).data)


class CandidateList(generics.ListAPIView):
    serializer_class = s.CandidateSerializer

    @extend_schema(parameters=[ARTICLE, OpenApiParameter("status", str, enum=CANDIDATE_STATES)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[MatchCandidate]:
        qs = MatchCandidate.objects.visible_to(self.request.user).select_related("claim")
        article = _int_param(self.request, "article")
        if article is not None:
            qs = qs.filter(article_id=article)
        state = _choice_param(self.request, "status", CANDIDATE_STATES)
        if state:
            qs = qs.filter(status=state)
        return qs


class DecideCandidate(APIView):
    decision = "confirm"

    @extend_schema(request=None, responses=s.CandidateSerializer)
    def post(self, request: Request, pk: int) -> Response:
        candidate = get_object_or_404(MatchCandidate.objects.visible_to(request.user), pk=pk)
        if self.decision == "confirm":
            groups.confirm_candidate(user=request.user, candidate=candidate, via=Via.API)
        else:
            groups.reject_candidate(user=request.user, candidate=candidate, via=Via.API)
        candidate.refresh_from_db()
        return Response(s.CandidateSerializer(candidate).data)


class SuggestionList(generics.ListAPIView):
    """Machine-suggested spans of the articles you may open, with your own decision."""

    serializer_class = s.SuggestionSerializer

    @extend_schema(parameters=[ARTICLE])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Suggestion]:
        qs = suggestions.visible_suggestions(self.request.user)
        article = _int_param(self.request, "article")
        if article is not None:
            qs = qs.filter(article_id=article)
        return qs

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["decisions"] = dict(
            SuggestionDecision.objects.filter(reviewer=self.request.user).values_list(
                "suggestion_id", "decision"
            )
        )
        return context


def _suggestion(request: Request, pk: int) -> Suggestion:
    return get_object_or_404(suggestions.visible_suggestions(request.user), pk=pk)


class AcceptSuggestion(APIView):
    @extend_schema(
        request=s.AcceptSuggestionSerializer,
        responses={
            201: inline_serializer("AcceptedSuggestion", {"annotation": serializers.IntegerField()})
        },
        summary="Accept (optionally adjusted): creates your own annotation",
    )
    def post(self, request: Request, pk: int) -> Response:
        suggestion = _suggestion(request, pk)
        body = s.AcceptSuggestionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        annotation = suggestions.accept_suggestion(
            user=request.user, suggestion=suggestion, via=Via.API, **body.validated_data
        )
        return Response({"annotation": annotation.pk}, status=status.HTTP_201_CREATED)


class RejectSuggestion(APIView):
    @extend_schema(request=None, responses=s.SuggestionSerializer)
    def post(self, request: Request, pk: int) -> Response:
        suggestion = _suggestion(request, pk)
        try:
            suggestions.reject_suggestion(user=request.user, suggestion=suggestion)
        except AnnotationError as exc:
            raise _fail(exc) from None
        data = s.SuggestionSerializer(
            suggestion, context={"decisions": {suggestion.pk: "rejected"}}
        )
        return Response(data.data)


class SimilarSearch(APIView):
    @extend_schema(
        request=s.SimilarSerializer,
        responses=s.SimilarResultSerializer(many=True),
        summary="Claim groups similar to this text",
    )
    def post(self, request: Request) -> Response:
        body = s.SimilarSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found = matching.search_similar(
            text=body.validated_data["text"], limit=body.validated_data["limit"]
        )
        claims = reading.visible_claims(request.user).in_bulk([m.claim_id for m in found])
        quotes = dict(
            ClaimAppearance.objects.visible_to(request.user)
            .filter(pk__in=[m.appearance_id for m in found])
            .values_list("pk", "quote")
        )
        rows = [
            {
                "claim": m.claim_id,
                "canonical_text": claims[m.claim_id].canonical_text,
                "quote": quotes[m.appearance_id],
                "score": round(m.score, 4),
                "lexical_score": round(m.lexical, 4),
                "semantic_score": None if m.semantic is None else round(m.semantic, 4),
            }
            for m in found
            if m.claim_id in claims and m.appearance_id in quotes
        ]
        return Response(s.SimilarResultSerializer(rows, many=True).data)


class ImportFactChecks(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "FactCheckUpload", {"file": serializers.FileField()}
            )
        },
        responses=s.FactCheckImportResultSerializer,
        summary="Import earlier fact-checks (ClaimReview JSON-LD, JSONL or CSV); admins only",
    )
    def post(self, request: Request) -> Response:
        if not roles.is_admin(request.user):
            raise PermissionDenied("Only admins import fact-checks.")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Attach a .json, .jsonl or .csv file as `file`."]})
        try:
            result = factchecks.import_fact_checks(
                user=request.user, payload=upload.read(), filename=upload.name or ""
            )
        except factchecks.FactCheckImportError as exc:
            raise ValidationError({"file": [str(exc)]}) from None
        return Response(
            {"created": result.created, "skipped": result.skipped, "errors": result.errors}
        )


def article_visible(user: Any, article_id: int) -> Article:
    return get_object_or_404(Article.objects.visible_to(user), pk=article_id)
