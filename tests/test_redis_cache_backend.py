"""The throttle cache on Redis reuses its client object (Django builds one per call)."""

from __future__ import annotations

import os
import uuid

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from factcheck.cache import ReusingRedisCache

URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _reachable(), reason=f"no Redis at {URL}")


def test_one_client_object_per_pool_and_the_cache_still_works():
    prefix = f"test-{uuid.uuid4().hex}"
    cache = ReusingRedisCache(URL, {"KEY_PREFIX": prefix})
    plain = RedisCache(URL, {"KEY_PREFIX": prefix})
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    assert plain._cache.get_client() is not plain._cache.get_client()  # what it avoids
    cache.set("failures", (3, 12.5), timeout=30)
    assert plain.get("failures") == (3, 12.5)  # same keys and serialisation as Django's
    assert cache.get("failures") == (3, 12.5)
    assert cache.add("failures", (0, 0.0)) is False
    assert cache.add("n", 1) and cache.incr("n") == 2
    cache.delete_many(["failures", "n"])
    assert cache.get("failures") is None
