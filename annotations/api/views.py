"""API views: read through visible_to, write through the services."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.api.serializers import (
    AnnotationSerializer,
    AnnotationUpdateSerializer,
    AnnotationWriteSerializer,
    ArticleSerializer,
)
from annotations.models import Annotation, Article, Via
from annotations.services import annotating


def etag_for(annotation: Annotation) -> str:
    return f'"{annotation.version}"'


def expected_version(request: Request) -> int | None:
    """The version the client last saw, from If-Match (or a `version` query parameter)."""
    header = request.headers.get("If-Match", "").strip()
    if header and header != "*":
        value = header.removeprefix("W/").strip('"')
        if not value.isdigit():
            raise ValidationError({"If-Match": [f"Not an ETag of this API: {header!r}."]})
        return int(value)
    param = request.query_params.get("version")
    if param is not None:
        if not param.isdigit():
            raise ValidationError({"version": ["Must be a whole number."]})
        return int(param)
    return None


def _via(request: Request) -> Via:
    return Via.UI if request.headers.get("X-Client") == "web" else Via.API


class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ArticleSerializer

    def get_queryset(self) -> Any:
        return Article.objects.visible_to(self.request.user).select_related("verdict_scale")

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


class AnnotationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AnnotationSerializer

    def get_queryset(self) -> Any:
        qs = Annotation.objects.visible_to(self.request.user).select_related("reviewer", "verdict")
        if self.action == "list":
            qs = qs.alive()
        return qs

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        annotation = self.get_object()
        response = Response(self.get_serializer(annotation).data)
        response["ETag"] = etag_for(annotation)
        return response

    def create(self, request: Request) -> Response:
        data = AnnotationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        article_id = values.pop("article")
        article = Article.objects.visible_to(request.user).filter(pk=article_id).first()
        if article is None:
            raise ValidationError({"article": [f"No article {article_id} that you can see."]})
        annotation = annotating.create_annotation(
            user=request.user, article=article, via=_via(request), **values
        )
        response = Response(self.get_serializer(annotation).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag_for(annotation)
        response["Location"] = f"/api/annotations/{annotation.pk}/"
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        annotation = self.get_object()
        data = AnnotationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k in request.data}
        updated = annotating.update_annotation(
            user=request.user,
            annotation=annotation,
            changes=changes,
            expected_version=expected_version(request),
            via=_via(request),
        )
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
