"""API views: read through visible_to, write through the services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.api.filters import UPDATED_SINCE_HELP, AnnotationFilter, ArticleFilter
from annotations.api.formats import ANNO_CONTEXT, public_base, web_annotation
from annotations.api.pagination import ID_PATTERN, SYNC_ORDERING
from annotations.api.renderers import WebAnnotationRenderer
from annotations.api.schema import JSON_LD, sync_row, tombstone
from annotations.api.serializers import (
    AnnotationSerializer,
    AnnotationUpdateSerializer,
    AnnotationWriteSerializer,
    ArticleListSerializer,
    ArticleSerializer,
    VerdictScaleSerializer,
)
from annotations.ids import parse_id
from annotations.models import Annotation, Article, VerdictScale, Via
from annotations.services import annotating

ETAG_PARAM = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": '^(\\*|(W/)?"[0-9]{1,18}")$'},
    OpenApiParameter.HEADER,
    description='The ETag you read (e.g. "3"). A stale one is answered 412 and nothing changes.',
)
PROBLEM = OpenApiResponse(description="application/problem+json (RFC 9457) with `errors`.")


def etag_for(annotation: Annotation) -> str:
    return f'"{annotation.version}"'


def expected_version(request: Request) -> int | None:
    """The version the client last saw, from If-Match (or a `version` query parameter)."""
    header = request.headers.get("If-Match", "").strip()
    if header and header != "*":
        version = parse_id(header.removeprefix("W/").strip('"'))
        if version is None:
            raise ValidationError({"If-Match": [f"Not an ETag of this API: {header[:40]!r}."]})
        return version
    param = request.query_params.get("version")
    if param is not None:
        version = parse_id(param)
        if version is None:
            raise ValidationError({"version": ["Must be a whole number."]})
        return version
    return None


def _via(request: Request) -> Via:
    return Via.UI if request.headers.get("X-Client") == "web" else Via.API


def is_sync_request(request: Request) -> bool:
    return bool(request.query_params.get("updated_since"))


@extend_schema_view(
    list=extend_schema(
        summary="List articles",
        description="Articles you may open (reviewers in assigned mode: only theirs), "
        "newest first, without their text (see the detail).",
    ),
    retrieve=extend_schema(summary="One article with its cleaned text and metadata"),
)
class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter

    def get_queryset(self) -> QuerySet[Article]:
        qs = Article.objects.visible_to(self.request.user).select_related("verdict_scale")
        if self.action == "list":
            qs = qs.defer("text", "raw", "minhash", "removed_lines")
        return qs

    def get_serializer_class(self) -> Any:
        return ArticleListSerializer if self.action == "list" else ArticleSerializer

    def get_keyset_ordering(self) -> tuple[str, ...]:
        return SYNC_ORDERING if is_sync_request(self.request) else ("-id",)

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "SubmitResult",
            {
                "article": serializers.IntegerField(),
                "status": serializers.CharField(),
                "submitted_at": serializers.DateTimeField(),
            },
        ),
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Hand in my review of this article; my annotations become read-only."""
        article = self.get_object()
        assignment = annotating.submit_article(
            user=request.user, article=article, via=_via(request)
        )
        return Response(
            {
                "article": article.pk,
                "status": assignment.status,
                "submitted_at": assignment.submitted_at,
            }
        )


ANNOTATIONS_DESCRIPTION = (
    "Reviewers see their own annotations, others' only once they submitted the article "
    "(blind review) and finals once published; adjudicators and admins see all. Offsets are "
    "Unicode code points of the article text. `Accept: application/ld+json; "
    'profile="http://www.w3.org/ns/anno.jsonld"` returns W3C Web Annotations.'
)


@extend_schema_view(
    list=extend_schema(
        summary="List annotations",
        description=ANNOTATIONS_DESCRIPTION,
        parameters=[OpenApiParameter("updated_since", str, description=UPDATED_SINCE_HELP)],
        responses={
            (200, "application/json"): sync_row("Annotation", tombstone("version")),
            (200, "application/ld+json"): JSON_LD,
        },
    ),
    retrieve=extend_schema(
        summary="One annotation (ETag = its version)",
        description=ANNOTATIONS_DESCRIPTION,
        responses={
            (200, "application/json"): AnnotationSerializer,
            (200, "application/ld+json"): JSON_LD,
        },
    ),
    create=extend_schema(
        summary="Create an annotation",
        request=AnnotationWriteSerializer,
        responses={201: AnnotationSerializer, 400: PROBLEM, 403: PROBLEM},
    ),
    partial_update=extend_schema(
        summary="Change an annotation (your own; If-Match recommended)",
        request=AnnotationUpdateSerializer,
        parameters=[ETAG_PARAM],
        responses={200: AnnotationSerializer, 400: PROBLEM, 403: PROBLEM, 412: PROBLEM},
    ),
    destroy=extend_schema(
        summary="Delete an annotation (soft: sync clients get a tombstone)",
        parameters=[ETAG_PARAM],
        responses={204: None, 403: PROBLEM, 412: PROBLEM},
    ),
)
class AnnotationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = ID_PATTERN
    serializer_class = AnnotationSerializer
    filterset_class = AnnotationFilter
    renderer_classes = [JSONRenderer, WebAnnotationRenderer, BrowsableAPIRenderer]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Annotation]:
        qs = Annotation.objects.visible_to(self.request.user).select_related(
            "reviewer", "verdict", "article"
        )
        qs = qs.only(
            *(f.name for f in Annotation._meta.concrete_fields if not f.is_relation),
            "article_id", "reviewer_id", "verdict_id", "based_on_id",
            "reviewer__username", "verdict__slug", "verdict__name",
            "article__url", "article__verdict_scale_id",
        )  # fmt: skip
        if self.action == "list" and not is_sync_request(self.request):
            qs = qs.alive()
        return qs

    def get_keyset_ordering(self) -> tuple[str, ...]:
        return SYNC_ORDERING if is_sync_request(self.request) else ("id",)

    def _wants_web_annotation(self, request: Request) -> bool:
        return isinstance(request.accepted_renderer, WebAnnotationRenderer)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if self._wants_web_annotation(request):
            next_url = self.paginator.next_link()
            body: dict[str, Any] = {
                "@context": ANNO_CONTEXT,
                "id": request.build_absolute_uri(),
                "type": "AnnotationPage",
                "items": [
                    web_annotation(a, base=public_base(request))
                    for a in page
                    if a.deleted_at is None
                ],
            }
            if next_url:
                body["next"] = next_url
            return Response(body)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        annotation = self.get_object()
        etag = etag_for(annotation)
        if etag in (tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        if self._wants_web_annotation(request) and annotation.deleted_at is None:
            response = Response(web_annotation(annotation, base=public_base(request)))
        else:
            response = Response(self.get_serializer(annotation).data)
        response["ETag"] = etag_for(annotation)
        return response

    def create(self, request: Request) -> Response:
        data = AnnotationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        # The service reads the article once (locked, visibility-checked, light columns).
        annotation = annotating.create_annotation(
            user=request.user, article=values.pop("article"), via=_via(request), **values
        )
        response = Response(self.get_serializer(annotation).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag_for(annotation)
        response["Location"] = f"/api/annotations/{annotation.pk}/"
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = AnnotationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k in request.data}
        # One read of the annotation: the service's locking read applies visible_to.
        try:
            updated = annotating.update_annotation(
                user=request.user,
                annotation=int(kwargs["pk"]),
                changes=changes,
                expected_version=expected_version(request),
                via=_via(request),
            )
        except (Annotation.DoesNotExist, annotating.NotVisible):
            raise Http404 from None
        response = Response(self.get_serializer(updated).data)
        response["ETag"] = etag_for(updated)
        return response

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        annotation = get_object_or_404(self.get_queryset().alive(), pk=kwargs["pk"])
        annotating.delete_annotation(
            user=request.user,
            annotation=annotation,
            expected_version=expected_version(request),
            via=_via(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Verdict scales with their labels"),
    retrieve=extend_schema(summary="One verdict scale with its labels"),
)
class VerdictScaleViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = VerdictScaleSerializer
    queryset = VerdictScale.objects.prefetch_related("labels")
    filter_backends: list[Any] = []

    def get_keyset_ordering(self) -> tuple[str, ...]:
        return ("id",)
