"""Password and token guessing is refused: per account and per address, with a clear 429."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from annotations.services import throttling, tokens
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def attempt(username, password, address, url=LOGIN):
    return Client(REMOTE_ADDR=address).post(url, {"username": username, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302


@pytest.fixture(autouse=True)
def _limits(settings):
    # A fast hasher: these tests sign in hundreds of times (autouse, so before the users exist).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_FAILURE_LIMIT = 10
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def test_110_wrong_passwords_for_one_account_are_refused_after_the_limit(alice):
    codes = [attempt("alice", f"guess-{i}", f"203.0.113.{i % 50}").status_code for i in range(110)]
    assert codes[:9] == [200] * 9  # the form again, "didn't match"
    assert codes[9:] == [429] * 101  # from the 10th failure on: refused, whichever address
    # The right password no longer helps, from any address, until the cool-off ends.
    refused = attempt("alice", "pw-alice", "198.51.100.7")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many failed sign-in attempts" in page and "15 minutes" in page
    assert refused["Retry-After"] == "900"
    # Other accounts are not affected.
    make_user("dora")
    assert signed_in(attempt("dora", "pw-dora", "198.51.100.7"))


def test_one_address_guessing_many_accounts_is_refused_after_the_limit(alice, bob):
    names = [f"user{i}" for i in range(110)]
    codes = [attempt(name, "wrong", "192.0.2.66").status_code for name in names]
    assert codes[:9] == [200] * 9 and codes[9:] == [429] * 101
    # Bob's right password from the throttled address is refused...
    assert attempt("bob", "pw-bob", "192.0.2.66").status_code == 429
    # ...but Bob (and Alice) sign in from any other address: only the address is throttled.
    assert signed_in(attempt("bob", "pw-bob", "192.0.2.67"))
    assert signed_in(attempt("alice", "pw-alice", "2001:db8::5"))


def test_admin_login_is_throttled_too(db):
    make_user("root", role="admin", is_staff=True, is_superuser=True)
    codes = [attempt("root", f"x{i}", "192.0.2.9", ADMIN_LOGIN).status_code for i in range(12)]
    assert codes[:9] == [200] * 9 and codes[9:] == [429] * 3
    assert attempt("root", "pw-root", "192.0.2.10", ADMIN_LOGIN).status_code == 429
    assert "Sign-in paused" in attempt("root", "x", "192.0.2.9", ADMIN_LOGIN).content.decode()


def test_lockout_ends_after_the_cool_off(alice):
    for i in range(10):
        attempt("alice", f"guess-{i}", "192.0.2.1")
    assert attempt("alice", "pw-alice", "192.0.2.1").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert signed_in(attempt("alice", "pw-alice", "192.0.2.1"))


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count(alice):
    # An attacker with an account of their own must not wipe the count between guesses.
    codes = []
    for round_ in range(3):
        codes += [attempt(f"victim{round_}{i}", "x", "192.0.2.8").status_code for i in range(4)]
        codes.append(attempt("alice", "pw-alice", "192.0.2.8").status_code)
    assert 429 in codes
    assert codes.index(429) == 11  # the 10th failure, despite the sign-ins in between
    assert attempt("victim00", "x", "192.0.2.8").status_code == 429


def test_the_address_comes_from_trusted_proxies_only(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    settings.TRUSTED_PROXY_COUNT = 0
    assert throttling.client_address(request) == "10.0.0.2"  # the header is not trusted
    settings.TRUSTED_PROXY_COUNT = 1
    assert throttling.client_address(request) == "198.51.100.4"  # the proxy saw this client
    settings.TRUSTED_PROXY_COUNT = 3  # fewer hops than proxies: fall back to the peer
    assert throttling.client_address(request) == "10.0.0.2"


# --- API tokens ----------------------------------------------------------------------------


def api(key, address):
    return Client(REMOTE_ADDR=address).get("/api/articles/", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_110_token_guesses_from_one_address_are_refused_after_the_limit(alice, settings):
    settings.API_TOKEN_FAILURE_LIMIT = 20
    settings.API_TOKEN_FAILURE_WINDOW_SECONDS = 900
    _, key = tokens.create_token(user=alice, name="CMS")
    responses = [api(f"guess{i:040d}", "203.0.113.5") for i in range(110)]
    codes = [r.status_code for r in responses]
    assert codes[:20] == [401] * 20 and codes[20:] == [429] * 90
    refused = responses[-1]
    assert refused["Content-Type"].startswith("application/problem+json")
    assert "Too many failed token attempts" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 900
    # Even a valid token is refused from the guessing address...
    assert api(key, "203.0.113.5").status_code == 429
    # ...while the same client on another address goes on working.
    assert api(key, "203.0.113.6").status_code == 200


def test_token_throttle_ends_with_its_window(alice, settings, monkeypatch):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    settings.API_TOKEN_FAILURE_WINDOW_SECONDS = 60
    _, key = tokens.create_token(user=alice, name="CMS")
    clock = [1_000_000.0]
    monkeypatch.setattr(throttling, "_now", lambda: clock[0])
    assert [api("nope", "192.0.2.3").status_code for _ in range(4)] == [401, 401, 401, 429]
    clock[0] += 61
    assert api(key, "192.0.2.3").status_code == 200


def test_valid_tokens_and_sessions_are_never_counted(alice, settings):
    settings.API_TOKEN_FAILURE_LIMIT = 2
    _, key = tokens.create_token(user=alice, name="CMS")
    assert all(api(key, "192.0.2.4").status_code == 200 for _ in range(30))
    client = Client(REMOTE_ADDR="192.0.2.4")
    client.force_login(alice)
    assert all(client.get("/api/articles/").status_code == 200 for _ in range(5))


def _settings_in_a_fresh_process(tmp_path, **env):
    import json
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    clean = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.CACHES['throttle'], s.AXES_FAILURE_LIMIT, "
        "s.AXES_COOLOFF_TIME.total_seconds(), s.API_TOKEN_FAILURE_LIMIT]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DEBUG": "1", "FACTCHECK_VAR_DIR": str(tmp_path),
             "DJANGO_SETTINGS_MODULE": "factcheck.settings", **env},
        cwd=django_settings.BASE_DIR, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_counters_are_shared_by_every_process_and_limits_come_from_the_environment(tmp_path):
    cache, limit, cool_off, token_limit = _settings_in_a_fresh_process(
        tmp_path, LOGIN_FAILURE_LIMIT="7", LOGIN_LOCKOUT_MINUTES="30", API_TOKEN_FAILURE_LIMIT="50"
    )
    # Embedded default: files under var/, which every web process on the machine shares.
    assert cache["BACKEND"].endswith("FileBasedCache")
    assert cache["LOCATION"].startswith(str(tmp_path))
    assert (limit, cool_off, token_limit) == (7, 1800.0, 50)
    redis, *_ = _settings_in_a_fresh_process(tmp_path, REDIS_URL="redis://127.0.0.1:6379/5")
    assert redis["BACKEND"] == "factcheck.cache.ReusingRedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/5"
