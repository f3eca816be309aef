"""Managing one's own API tokens: only from a signed-in session, never with a token."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.api.authentication import TokenScopeAllows
from annotations.api.pagination import ID_PATTERN
from annotations.api.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
)
from annotations.models import ApiToken, Via
from annotations.services import tokens


class SessionOnly(permissions.BasePermission):
    message = "Manage API tokens from a signed-in browser session, not with a token."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.auth is None


@extend_schema_view(
    list=extend_schema(summary="Your API tokens (session only)"),
    retrieve=extend_schema(summary="One of your API tokens (session only)"),
    create=extend_schema(
        summary="Create an API token; the key is in this response only",
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenCreatedSerializer},
    ),
    destroy=extend_schema(summary="Revoke one of your tokens", responses={204: None}),
)
class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = ID_PATTERN
    serializer_class = ApiTokenSerializer
    permission_classes = [permissions.IsAuthenticated, TokenScopeAllows, SessionOnly]
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user)

    def get_keyset_ordering(self) -> tuple[str, ...]:
        return ("-id",)

    def create(self, request: Request) -> Response:
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token, key = tokens.create_token(user=request.user, via=Via.API, **data.validated_data)
        except tokens.TokenError as exc:
            raise ValidationError({"name": [str(exc)]}) from None
        body = ApiTokenCreatedSerializer(token).data
        body["key"] = key
        return Response(body, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        token = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        try:
            tokens.revoke_token(user=request.user, token=token, via=Via.API)
        except tokens.TokenError as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
