"""API for text revisions: an article's revisions, and confirming or fixing an anchor."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.api.serializers import AnnotationSerializer, StrictSerializer
from annotations.api.views import _via, etag_for, expected_version
from annotations.models import Annotation, Article
from annotations.services.revisions import ANCHOR_ACTIONS, resolve_anchor, revision_history


class AnchorActionSerializer(StrictSerializer):
    action = serializers.ChoiceField(choices=ANCHOR_ACTIONS)
    start = serializers.IntegerField(required=False, min_value=0, help_text="For fix.")
    end = serializers.IntegerField(required=False, min_value=1, help_text="For fix.")
    quote = serializers.CharField(
        required=False, trim_whitespace=False, help_text="For fix: exactly text[start:end]."
    )


class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    current = serializers.BooleanField()
    title = serializers.CharField()
    content_hash = serializers.CharField()
    chars = serializers.IntegerField(help_text="Length in Unicode code points.")
    import_job = serializers.IntegerField(allow_null=True)
    since = serializers.DateTimeField(help_text="When this text became current.")
    replaced_at = serializers.DateTimeField(allow_null=True)
    anchors = serializers.DictField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="Annotations per anchor status when this revision was made.",
    )
    text = serializers.CharField()


class RevisionListSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    revision = serializers.IntegerField(help_text="The current revision number.")
    revisions = RevisionSerializer(many=True)


@extend_schema(request=AnchorActionSerializer, responses=AnnotationSerializer)
@api_view(["POST"])
def annotation_anchor(request: Request, pk: int) -> Response:
    """Confirm a fuzzy anchor ({"action": "confirm"}) or fix a span ({"action": "fix",
    "start", "end", "quote"}) on the current text. Honors If-Match."""
    annotation = get_object_or_404(Annotation.objects.visible_to(request.user), pk=pk)
    data = AnchorActionSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    values: dict[str, Any] = dict(data.validated_data)
    updated = resolve_anchor(
        user=request.user,
        annotation=annotation,
        expected_version=expected_version(request),
        via=_via(request),
        **values,
    )
    response = Response(AnnotationSerializer(updated).data)
    response["ETag"] = etag_for(updated)
    return response


@extend_schema(responses=RevisionListSerializer)
@api_view(["GET"])
def article_revisions(request: Request, pk: int) -> Response:
    """Every revision of an article, oldest first, the current one last (with its text)."""
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
    history = revision_history(article, with_text=True)
    return Response({"article": article.pk, "revision": article.revision, "revisions": history})
