"""Error pages: problem+json under /api/, HTML elsewhere; a stalled database is a 503.

Django's own handlers answer HTML for every path, so an unknown API URL or an uncaught error
gave an HTML page to a JSON client, and a refused or timed-out database gave a 500.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from annotations.api.errors import (
    DATABASE_UNAVAILABLE,
    INTERNAL_DETAIL,
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_DETAIL,
    is_api_request,
    problem_response,
)

logger = logging.getLogger("annotations.web")


def database_unavailable(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return problem_response(
            503, "Service unavailable", UNAVAILABLE_DETAIL, **{"Retry-After": RETRY_AFTER_SECONDS}
        )
    # A page of its own, without the base template: the navigation needs the database.
    html = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


class DatabaseUnavailableMiddleware:
    """A view that finds the database down, refusing or timing out answers 503, not 500."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning("Database unavailable on %s: %s", request.path, exception)
            return database_unavailable(request)
        return None


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return problem_response(404, "Not found", "There is nothing at this address.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except` block, so the exception is still at hand.
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    if is_api_request(request):
        return problem_response(500, "Internal server error", INTERNAL_DETAIL)
    return defaults.server_error(request)
