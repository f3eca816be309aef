"""Sign-in lockout (django-axes) wired into the site: the backend and the lockout page."""

from __future__ import annotations

import logging
import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

log = logging.getLogger(__name__)


class LockoutBackend(AxesStandaloneBackend):
    """Refuses sign-in while the account or the address is locked out.

    authenticate() without a request (the shell, management commands) cannot be attributed
    to an address: it is not checked here, and ModelBackend decides as usual.
    """

    def authenticate(self, request: Any, username: Any = None, password: Any = None, **kw: Any):
        if request is None:
            log.debug("sign-in without a request: lockout not checked")
            return None
        return super().authenticate(request, username=username, password=password, **kw)


def lockout_response(
    request: Any, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """429 page saying why sign-in is refused and when to try again (Retry-After)."""
    cool_off = get_cool_off(request)
    log.warning(
        "sign-in refused (locked out): username=%r address=%s",
        (credentials or {}).get("username"),
        getattr(request, "axes_ip_address", None),
    )
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
