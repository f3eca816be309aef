"""Assignments: list (scoped), bulk assign with overlap (admins), unassign and reassign."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import roles
from annotations.api.adjudication_common import (
    NewestFirstCursor,
    ServiceErrors,
    bool_param,
    int_param,
    via,
)
from annotations.api.pagination import ID_PATTERN
from annotations.api.serializers import StrictSerializer
from annotations.models import Assignment, AssignmentStatus
from annotations.services import assignment as service


class AssignmentSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)
    reviewer_id = serializers.IntegerField(read_only=True)
    assigned_by = serializers.CharField(source="assigned_by.username", read_only=True, default=None)
    article_title = serializers.CharField(source="article.title", read_only=True)
    article_status = serializers.CharField(source="article.status", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id", "article", "article_title", "article_status", "reviewer", "reviewer_id",
            "assigned_by", "active", "status", "submitted_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class BulkAssignSerializer(StrictSerializer):
    articles = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=10_000
    )
    reviewers = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=1_000
    )
    overlap = serializers.IntegerField(min_value=1, max_value=1_000)
    strategy = serializers.ChoiceField(choices=["round_robin", "random"], default="round_robin")
    seed = serializers.IntegerField(required=False, allow_null=True)


class ReassignSerializer(StrictSerializer):
    reviewer = serializers.IntegerField(min_value=1, help_text="Id of the new reviewer.")


class AssignmentViewSet(
    ServiceErrors, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Admins and adjudicators see every assignment; a reviewer sees their own (their queue).

    Filters: ``article``, ``reviewer`` (id), ``active`` (true/false), ``status``.
    """

    lookup_value_regex = ID_PATTERN

    serializer_class = AssignmentSerializer
    pagination_class = NewestFirstCursor

    def get_queryset(self) -> Any:
        user = self.request.user
        qs = Assignment.objects.select_related("reviewer", "assigned_by", "article").defer(
            "article__text", "article__raw", "article__minhash", "article__removed_lines"
        )
        if roles.is_adjudicator(user):
            pass
        elif roles.is_reviewer(user):
            qs = qs.filter(reviewer=user)
        else:
            return qs.none()
        if self.action == "list":
            request = self.request
            if (article := int_param(request, "article")) is not None:
                qs = qs.filter(article_id=article)
            if (reviewer := int_param(request, "reviewer")) is not None:
                qs = qs.filter(reviewer_id=reviewer)
            if (active := bool_param(request, "active")) is not None:
                qs = qs.filter(active=active)
            wanted = request.query_params.get("status")
            if wanted:
                if wanted not in AssignmentStatus.values:
                    raise ValidationError(
                        {"status": [f"Must be one of {', '.join(AssignmentStatus.values)}."]}
                    )
                qs = qs.filter(status=wanted)
        return qs

    def create(self, request: Request) -> Response:
        """Bulk assign: every article to ``overlap`` reviewers, balanced (admins only)."""
        if not roles.is_admin(request.user):
            raise PermissionError("Only admins assign articles.")
        data = BulkAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        created = service.assign_articles(
            by=request.user,
            article_ids=values["articles"],
            reviewer_ids=values["reviewers"],
            overlap=values["overlap"],
            strategy=values["strategy"],
            seed=values.get("seed"),
            via=via(request),
        )
        rows = Assignment.objects.filter(pk__in=[a.pk for a in created]).select_related(
            "reviewer", "assigned_by", "article"
        )
        body = {"created": AssignmentSerializer(rows.order_by("article_id", "pk"), many=True).data}
        return Response(body, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def unassign(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        updated = service.unassign(by=request.user, assignment=assignment, via=via(request))
        return Response(AssignmentSerializer(updated).data)

    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        data = ReassignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not roles.is_admin(request.user):
            raise PermissionError("Only admins assign articles.")
        to = get_user_model().objects.filter(pk=data.validated_data["reviewer"]).first()
        if to is None:
            raise ValidationError({"reviewer": ["No such user."]})
        new = service.reassign(
            by=request.user, assignment=assignment, to_reviewer=to, via=via(request)
        )
        return Response(AssignmentSerializer(new).data, status=status.HTTP_201_CREATED)
