"""Shared pieces of the assignment, adjudication and history endpoints: errors and paging."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from annotations.api.errors import problem
from annotations.api.pagination import StrictCursorPagination
from annotations.ids import parse_id
from annotations.models import Via
from annotations.services.adjudication import AdjudicationError
from annotations.services.annotating import NotAllowed
from annotations.services.assignment import AssignmentError


class ServiceErrors:
    """Map the services' own errors to problem+json (the shared handler knows the rest)."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, AdjudicationError):
            return problem(409, "Conflict", str(exc))
        if isinstance(exc, AssignmentError):
            return problem(400, "Invalid assignment", str(exc))
        if isinstance(exc, PermissionError) and not isinstance(exc, NotAllowed):
            return problem(403, "Not allowed", str(exc))
        return super().handle_exception(exc)  # type: ignore[misc]


class IdCursor(StrictCursorPagination):
    """Keyset pages by id: stable while rows are appended (the history only grows)."""

    ordering = ("id",)
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class NewestFirstCursor(IdCursor):
    ordering = ("-id",)


def via(request: Request) -> Via:
    """The web pages' scripts say so with X-Client: web; everything else is the API."""
    return Via.UI if request.headers.get("X-Client") == "web" else Via.API


def int_param(request: Request, name: str) -> int | None:
    from rest_framework.exceptions import ValidationError

    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    number = parse_id(value)
    if not number:  # not an id, or 0 (ids start at 1)
        raise ValidationError({name: ["Must be a positive whole number (an id)."]})
    return number


def bool_param(request: Request, name: str) -> bool | None:
    from rest_framework.exceptions import ValidationError

    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise ValidationError({name: ["Must be true or false."]})


def user_summary(user: Any) -> dict[str, Any] | None:
    return {"id": user.pk, "username": user.username} if user is not None else None
