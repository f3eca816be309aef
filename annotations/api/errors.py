"""Every API error is RFC 9457 problem details JSON with a clear message and field errors."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from annotations.services.annotating import AnnotationError, NotAllowed, StaleVersion

PROBLEM_CONTENT_TYPE = "application/problem+json"
logger = logging.getLogger("annotations.api")

# A database that is down, refuses connections or cancels a statement at statement_timeout:
# the client should come back later (503), it did nothing wrong and nothing broke in our code.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = "30"
UNAVAILABLE_DETAIL = "The database is not answering. Nothing was changed; try again shortly."
INTERNAL_DETAIL = "An unexpected error occurred. It has been logged; nothing was changed."


def problem(
    status_code: int,
    title: str,
    detail: str,
    *,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = Response(body, status=status_code, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _flatten(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structures as {"field.sub": ["message", ...]}."""
    if isinstance(data, dict):
        out: dict[str, list[str]] = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(data, list):
        if all(not isinstance(item, dict | list) for item in data):
            return {prefix or "non_field_errors": [str(item) for item in data]}
        out = {}
        for i, item in enumerate(data):
            out.update(_flatten(item, f"{prefix}[{i}]"))
        return out
    return {prefix or "non_field_errors": [str(data)]}


def _summary(errors: dict[str, list[str]]) -> str:
    parts = [f"{field}: {' '.join(msgs)}" for field, msgs in errors.items()]
    return "; ".join(parts)[:1000]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, AnnotationError):
        errors = {exc.field: [exc.message]}
        return problem(400, "Invalid annotation", exc.message, errors=errors)
    if isinstance(exc, StaleVersion):
        return problem(
            412,
            "Precondition failed",
            str(exc),
            current_version=exc.current.version,
            headers={"ETag": f'"{exc.current.version}"'},
        )
    if isinstance(exc, NotAllowed):
        return problem(403, "Not allowed", str(exc))
    if isinstance(exc, RequestDataTooBig):
        return problem(413, "Request body too large", "The request body is larger than allowed.")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        # Not an API exception: a 500 (or a 503 for the database) in our own format. The
        # traceback goes to the log, never to the client.
        set_rollback()
        if isinstance(exc, DATABASE_UNAVAILABLE):
            logger.warning("Database unavailable: %s", exc)
            return problem(
                503,
                "Service unavailable",
                UNAVAILABLE_DETAIL,
                headers={"Retry-After": RETRY_AFTER_SECONDS},
            )
        logger.error("Unhandled error in %s", context.get("view"), exc_info=exc)
        return problem(500, "Internal server error", INTERNAL_DETAIL)
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        return problem(400, "Invalid request", _summary(errors), errors=errors)
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    titles = {
        401: "Not authenticated",
        403: "Forbidden",
        404: "Not found",
        405: "Method not allowed",
        406: "Not acceptable",
        413: "Request body too large",
        415: "Unsupported media type",
        429: "Too many requests",
    }
    code = response.status_code
    headers = {
        k: v for k, v in response.items() if k in ("WWW-Authenticate", "Allow", "Retry-After")
    }
    return problem(
        code,
        titles.get(code, "Error"),
        str(detail),
        headers=headers,
    )


def problem_response(status_code: int, title: str, detail: str, **headers: str) -> HttpResponse:
    """A problem+json for code outside DRF (Django's error handlers, middleware)."""
    body = {"type": "about:blank", "title": title, "status": status_code, "detail": detail}
    response = HttpResponse(json.dumps(body), status=status_code, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in headers.items():
        response[name] = value
    return response


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")
