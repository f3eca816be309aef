"""Token authentication and the permission classes applied to every API view."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from annotations import roles
from annotations.models import ApiToken
from annotations.models.tokens import TokenScope
from annotations.services import throttling
from annotations.services.tokens import authenticate_key

SCHEMES = ("bearer", "token")


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <key>`` or ``Authorization: Token <key>``.

    It comes first in DEFAULT_AUTHENTICATION_CLASSES so that an anonymous request gets 401
    with a WWW-Authenticate header rather than a bare 403.
    """

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode("latin-1") not in SCHEMES:
            return None
        wait = throttling.token_retry_after(request)
        if wait is not None:
            raise exceptions.Throttled(
                wait, "Too many failed token attempts from your address; try again later."
            )
        if len(header) != 2:
            throttling.record_token_failure(request)
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: use 'Bearer <key>' with no spaces in the key."
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            throttling.record_token_failure(request)
            raise exceptions.AuthenticationFailed(
                "The token contains invalid characters."
            ) from None
        token = authenticate_key(key)
        if token is None:
            throttling.record_token_failure(request)
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class TokenScopeAllows(permissions.BasePermission):
    """A read-only token may only read: any unsafe method is 403."""

    message = "This token is read-only; create a read-write token to change data."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and token.scope != TokenScope.WRITE:
            return request.method in permissions.SAFE_METHODS
        return True


class HasRole(permissions.BasePermission):
    """Signed in with one of the three roles (reviewer, adjudicator, admin)."""

    message = "Your account has no role (reviewer, adjudicator or admin); ask an admin."

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.is_reviewer(request.user)


class IsAdjudicator(permissions.BasePermission):
    message = "Only adjudicators and admins may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.is_adjudicator(request.user)


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI document."""

    target_class = TokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from /settings/tokens/ "
            "(`Authorization: Bearer <key>`; `Token <key>` works too).",
        }
