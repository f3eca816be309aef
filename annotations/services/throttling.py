"""Refusing password and token guessing: the client's address and the API token failure counter.

Sign-in (site and admin) is throttled by django-axes, per account and per address, in the
database (see settings and docs/security.md); this module gives it the client address.
API tokens are looked up by their hash alone, so guessing one is throttled per address: after
API_TOKEN_FAILURE_LIMIT failed token authentications within API_TOKEN_FAILURE_WINDOW_SECONDS,
every token request from that address is refused with 429 until the window ends. The counter
lives in the "throttle" cache (Redis when REDIS_URL is set, else files under var/), which every
web process shares.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches

CACHE_ALIAS = "throttle"


def client_address(request: Any) -> str:
    """The client's IP address: REMOTE_ADDR, or the address the trusted proxies saw.

    With TRUSTED_PROXY_COUNT=n (n proxies in front, each appending to X-Forwarded-For), the
    n-th entry from the right is the client; entries further left are the client's own claims
    and are ignored. A missing or malformed header falls back to REMOTE_ADDR.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= count:
            candidate = hops[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def _key(address: str) -> str:
    return "token-failures:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def _now() -> float:
    return time.time()


def token_retry_after(request: Any) -> int | None:
    """Seconds until this address may try tokens again, or None if it may now."""
    state = caches[CACHE_ALIAS].get(_key(client_address(request)))
    if not state:
        return None
    count, reset_at = state
    remaining = reset_at - _now()
    if count < settings.API_TOKEN_FAILURE_LIMIT or remaining <= 0:
        return None
    return max(1, math.ceil(remaining))


def record_token_failure(request: Any) -> None:
    """Count one failed token authentication for the client's address (fixed window)."""
    cache = caches[CACHE_ALIAS]
    key = _key(client_address(request))
    now = _now()
    count, reset_at = cache.get(key) or (0, 0.0)
    if reset_at <= now:
        count, reset_at = 0, now + settings.API_TOKEN_FAILURE_WINDOW_SECONDS
    # get-then-set is not atomic: two processes failing at the same instant may count once.
    # Rough counts are enough to stop guessing at scale.
    cache.set(key, (count + 1, reset_at), timeout=max(1, math.ceil(reset_at - now)))
