"""Adjudication endpoints: the aligned view, final annotations, dismissals, publication."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api.adjudication_common import IdCursor, ServiceErrors, int_param, via
from annotations.api.pagination import ID_PATTERN
from annotations.api.serializers import (
    AnnotationSerializer,
    AnnotationUpdateSerializer,
    AnnotationWriteSerializer,
    ArticlePublicationSerializer,
    StrictSerializer,
)
from annotations.api.views import ETAG_PARAM, etag_for, expected_version
from annotations.models import Annotation, Article
from annotations.services import adjudication as adj
from annotations.services import publishing


class FinalSerializer(AnnotationSerializer):
    class Meta(AnnotationSerializer.Meta):
        fields = [*AnnotationSerializer.Meta.fields, "based_on", "rationale"]
        read_only_fields = fields


class FinalWriteSerializer(AnnotationWriteSerializer):
    """Accept (``based_on`` alone), edit and accept (``based_on`` and fields) or write new."""

    based_on = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    rationale = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=10_000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start", "end", "quote", "tag"):
            self.fields[name].required = False

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        span = {"start", "end", "quote", "tag"}
        given = span & set(attrs)
        if not attrs.get("based_on") and given != span:
            missing = sorted(span - given)
            raise ValidationError({name: ["Required to write a new final."] for name in missing})
        if attrs.get("based_on") and given and given != span:
            raise ValidationError(
                {"non_field_errors": ["To edit a version, send start, end, quote and tag."]}
            )
        return attrs


class FinalUpdateSerializer(AnnotationUpdateSerializer):
    rationale = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=10_000
    )


class UndismissSerializer(StrictSerializer):
    item = serializers.CharField(max_length=500, help_text="The item's key from the view.")


class DismissSerializer(UndismissSerializer):
    rationale = serializers.CharField(max_length=10_000, help_text="Why (required).")


class UnpublishSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2_000, help_text="Why the verdicts are withdrawn.")


def item_json(item: adj.Item) -> dict[str, Any]:
    dismissal = item.dismissal
    return {
        "key": item.key,
        "start": item.start,
        "end": item.end,
        "status": item.status,
        "conflicts": item.conflicts,
        "resolved": item.resolved,
        "missing": item.missing,
        "members": {name: FinalSerializer(a).data for name, a in item.members.items()},
        "finals": FinalSerializer(item.finals, many=True).data,
        "dismissal": (
            {
                "rationale": dismissal.rationale,
                "by": dismissal.dismissed_by.username if dismissal.dismissed_by else None,
                "at": dismissal.created_at,
            }
            if dismissal
            else None
        ),
    }


def _article_for_adjudication(request: Request, pk: int) -> Article:
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
    adj.require_adjudicator(request.user)
    return article


def adjudication_body(article: Article) -> dict[str, Any]:
    items = adj.adjudication_view(article)
    return {
        "article": article.pk,
        "status": article.status,
        "published_verdicts_at": article.published_verdicts_at,
        "reviewers": adj.submitted_reviewers(article),
        "open_items": sum(not i.resolved for i in items),
        "items": [item_json(i) for i in items],
        "unattached_finals": FinalSerializer(adj.unattached_finals(article, items), many=True).data,
    }


ADJUDICATION = inline_serializer(
    "Adjudication",
    {
        "article": serializers.IntegerField(),
        "status": serializers.CharField(),
        "published_verdicts_at": serializers.DateTimeField(allow_null=True),
        "reviewers": serializers.ListField(child=serializers.CharField()),
        "open_items": serializers.IntegerField(),
        "items": serializers.ListField(
            child=serializers.DictField(),
            help_text="Aligned items (same rule as the agreement metrics), conflicts first: "
            "key, start, end, status (agreed|conflict), conflicts, resolved, missing, "
            "members {reviewer: annotation}, finals, dismissal.",
        ),
        "unattached_finals": FinalSerializer(many=True),
    },
)


class AdjudicationView(ServiceErrors, APIView):
    """GET the aligned items of an article (adjudicators and admins)."""

    @extend_schema(summary="Side-by-side adjudication view of an article", responses=ADJUDICATION)
    def get(self, request: Request, pk: int) -> Response:
        return Response(adjudication_body(_article_for_adjudication(request, pk)))


class AcceptAgreedView(ServiceErrors, APIView):
    @extend_schema(
        summary="Accept every item all reviewers agree on as a final",
        request=None,
        responses={
            201: inline_serializer("AcceptedAgreed", {"created": FinalSerializer(many=True)})
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        article = _article_for_adjudication(request, pk)
        created = adj.accept_all_agreed(by=request.user, article=article, via=via(request))
        return Response(
            {"created": FinalSerializer(created, many=True).data}, status=status.HTTP_201_CREATED
        )


class DismissView(ServiceErrors, APIView):
    undo = False

    @extend_schema(
        summary="Dismiss (or undismiss) an item with a rationale",
        request=DismissSerializer,
        responses=ADJUDICATION,
    )
    def post(self, request: Request, pk: int) -> Response:
        article = _article_for_adjudication(request, pk)
        data = (UndismissSerializer if self.undo else DismissSerializer)(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if self.undo:
            adj.undismiss_item(
                by=request.user, article=article, item=values["item"], via=via(request)
            )
        else:
            adj.dismiss_item(
                by=request.user,
                article=article,
                item=values["item"],
                rationale=values.get("rationale", ""),
                via=via(request),
            )
        return Response(adjudication_body(article))


class UndismissView(DismissView):
    undo = True

    @extend_schema(summary="Undismiss an item", request=UndismissSerializer, responses=ADJUDICATION)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class ArticleStepView(ServiceErrors, APIView):
    """POST mark-adjudicated, publish or unpublish ({"reason": ...}); returns the article."""

    step = "publish"

    @extend_schema(
        summary="Mark adjudicated or publish an article's final verdicts (no body)",
        request=None,
        responses=ArticlePublicationSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        article = _article_for_adjudication(request, pk)
        if self.step == "unpublish":
            data = UnpublishSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            article = publishing.unpublish(
                by=request.user,
                article=article,
                reason=data.validated_data.get("reason", ""),
                via=via(request),
            )
        elif self.step == "publish":
            article = publishing.publish(by=request.user, article=article, via=via(request))
        else:
            article = publishing.mark_adjudicated(
                by=request.user, article=article, via=via(request)
            )
        return Response(ArticlePublicationSerializer(article).data)


class UnpublishView(ArticleStepView):
    step = "unpublish"

    @extend_schema(
        summary="Withdraw an article's published verdicts, saying why",
        request=UnpublishSerializer,
        responses=ArticlePublicationSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


@extend_schema_view(
    list=extend_schema(
        summary="List final annotations",
        parameters=[
            OpenApiParameter(
                "article", int, description="Only this article's finals (an article id)."
            )
        ],
    ),
    retrieve=extend_schema(summary="One final annotation (ETag = its version)"),
    create=extend_schema(
        summary="Accept a version, edit and accept it, or write a new final",
        request=FinalWriteSerializer,
        responses={201: FinalSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a final annotation (If-Match recommended)",
        request=FinalUpdateSerializer,
        parameters=[ETAG_PARAM],
        responses={200: FinalSerializer},
    ),
    destroy=extend_schema(
        summary="Delete a final annotation (soft)", parameters=[ETAG_PARAM], responses={204: None}
    ),
)
class FinalViewSet(
    ServiceErrors, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Final annotations: read as ``visible_to`` allows; written by adjudicators and admins.

    ``?article=<id>`` narrows the list. PATCH and DELETE take ``If-Match`` (the ETag).
    """

    lookup_value_regex = ID_PATTERN

    serializer_class = FinalSerializer
    pagination_class = IdCursor

    def get_queryset(self) -> Any:
        qs = (
            Annotation.objects.visible_to(self.request.user)
            .finals()
            .select_related("reviewer", "verdict")
        )
        if self.action == "list":
            qs = qs.alive()
            if (article := int_param(self.request, "article")) is not None:
                qs = qs.filter(article_id=article)
        return qs

    def _respond(self, final: Annotation, code: int = status.HTTP_200_OK) -> Response:
        response = Response(FinalSerializer(final).data, status=code)
        response["ETag"] = etag_for(final)
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(self.get_object())

    def create(self, request: Request) -> Response:
        adj.require_adjudicator(request.user)
        data = FinalWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        article_id = values.pop("article")
        article = Article.objects.visible_to(request.user).filter(pk=article_id).first()
        if article is None:
            raise ValidationError({"article": [f"No article {article_id} that you can see."]})
        based_on = values.pop("based_on", None)
        if based_on and "start" not in values:
            final = adj.accept_version(
                by=request.user,
                article=article,
                annotation=based_on,
                rationale=values.get("rationale", ""),
                via=via(request),
            )
        else:
            final = adj.write_final(
                by=request.user, article=article, based_on=based_on, via=via(request), **values
            )
        response = self._respond(final, status.HTTP_201_CREATED)
        response["Location"] = f"/api/finals/{final.pk}/"
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        final = self.get_object()
        adj.require_adjudicator(request.user)
        data = FinalUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k in request.data}
        updated = adj.update_final(
            by=request.user,
            final=final,
            changes=changes,
            expected_version=expected_version(request),
            via=via(request),
        )
        return self._respond(updated)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        final = get_object_or_404(self.get_queryset().alive(), pk=kwargs["pk"])
        adj.require_adjudicator(request.user)
        adj.delete_final(
            by=request.user,
            final=final,
            expected_version=expected_version(request),
            via=via(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
