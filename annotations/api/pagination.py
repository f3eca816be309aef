"""Cursor (keyset) pagination for every list endpoint.

A cursor is the sort key of the last row of the previous page, so a page costs one indexed
range scan however deep the client goes, rows inserted meanwhile are neither skipped nor
repeated, and no COUNT(*) runs. Sorting is by ``id`` (or ``-id``), or by ``(updated_at, id)``
when a client syncs with ``updated_since``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import OrderedDict
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from annotations.ids import parse_id

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
SYNC_ORDERING = ("updated_at", "id")
# Ids in URLs: digits only, and few enough to fit a bigint (more would overflow, not 404).
ID_PATTERN = "[0-9]{1,18}"


def _encode(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, fields: tuple[str, ...]) -> list[Any]:
    bad = ValidationError({"cursor": ["Invalid cursor; use the `next` link of a previous page."]})
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(values, list) or len(values) != len(fields):
        raise bad
    out: list[Any] = []
    for field, value in zip(fields, values, strict=True):
        name = field.lstrip("-")
        if name.endswith("_at"):
            parsed = parse_datetime(value) if isinstance(value, str) else None
            if parsed is None:
                raise bad
            out.append(parsed)
        elif isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
            out.append(value)
        else:
            raise bad
    return out


def _after(fields: tuple[str, ...], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in the order of ``fields`` (all one direction)."""
    descending = fields[0].startswith("-")
    op = "lt" if descending else "gt"
    names = [f.lstrip("-") for f in fields]
    condition = Q()
    for i, name in enumerate(names):
        step = Q(**{f"{name}__{op}": values[i]})
        for prev, value in zip(names[:i], values[:i], strict=True):
            step &= Q(**{prev: value})
        condition |= step
    return condition


def strict_page_size(raw: str | None, default: int, maximum: int) -> int:
    """``page_size`` as given, or a 400 (DRF's paginators silently fall back to the default)."""
    if not raw:
        return default
    size = parse_id(raw)
    if size is None or not 1 <= size <= maximum:
        raise ValidationError({"page_size": [f"Must be a whole number from 1 to {maximum}."]})
    return size


class StrictCursorPagination(CursorPagination):
    """DRF's cursor paging, with a bad ``page_size`` refused instead of ignored."""

    page_size_query_param = "page_size"

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        return strict_page_size(raw, self.page_size, self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_size_query_param:
                param["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return params


class KeysetPagination(BasePagination):
    """``?cursor=…&page_size=…``; the response is ``{"next": url|null, "results": [...]}``.

    Views choose the order with ``get_keyset_ordering()`` (default ``("id",)``).
    """

    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:  # absent or empty: the default, like every other empty parameter
            return DEFAULT_PAGE_SIZE
        size = parse_id(raw)
        if size is None or not 1 <= size <= MAX_PAGE_SIZE:
            raise ValidationError(
                {"page_size": [f"Must be a whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return size

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        fields = tuple(getattr(view, "get_keyset_ordering", lambda: ("id",))())
        self.fields = fields
        self.request = request
        size = self.get_page_size(request)
        cursor = request.query_params.get(self.cursor_query_param)
        queryset = queryset.order_by(*fields)
        if cursor:
            queryset = queryset.filter(_after(fields, _decode(cursor, fields)))
        rows = list(queryset[: size + 1])
        self.has_next = len(rows) > size
        self.page = rows[:size]
        return self.page

    def next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        last = self.page[-1]
        names = [f.lstrip("-") for f in self.fields]
        if isinstance(last, dict):  # a .values() page
            values = [last["id" if n == "pk" else n] for n in names]
        else:
            values = [getattr(last, n) for n in names]
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, _encode(values))

    def get_paginated_response(self, data: Any) -> Response:
        return Response(OrderedDict([("next", self.next_link()), ("results", data)]))

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    **build_basic_type(OpenApiTypes.URI),
                    "nullable": True,
                    "description": "The next page, or null on the last page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque cursor from the `next` link of the previous page.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {DEFAULT_PAGE_SIZE}, "
                f"at most {MAX_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
