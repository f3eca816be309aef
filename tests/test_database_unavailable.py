"""A database that is down, refusing or too slow gives a 503 (problem+json with Retry-After
under /api/, a plain page elsewhere), never a 500 and never a request that hangs."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.api_helpers import fast_passwords, token_client  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

IS_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


class _unreachable:
    """Point the default connection at a database that cannot be reached, then restore it."""

    def __enter__(self) -> None:
        self.saved = {
            **connection.settings_dict,
            "OPTIONS": dict(connection.settings_dict["OPTIONS"]),
        }
        connection.close()
        if IS_POSTGRES:
            connection.settings_dict.update(HOST="127.0.0.1", PORT="9")  # refused on loopback
        else:
            connection.settings_dict["NAME"] = "/nonexistent-dir/no/db.sqlite3"

    def __exit__(self, *exc: object) -> None:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(self.saved)


def test_api_request_gets_503_problem_with_retry_after(alice):
    client = token_client(alice, scope="read")
    with _unreachable():
        response = client.get("/api/articles/")
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["status"] == 503 and body["title"] == "Service unavailable"
    assert "sqlite" not in response.content.decode().lower()


def test_html_page_gets_a_plain_503_page(alice):
    web = Client()
    web.force_login(alice)
    with _unreachable():
        response = web.get("/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Temporarily unavailable" in page and "app.css" in page


def test_timeouts_are_configured():
    options = settings.DATABASES["default"]["OPTIONS"]
    if IS_POSTGRES:
        assert options["connect_timeout"] == 5
        assert "-c statement_timeout=15000" in options["options"]
    else:
        assert options["timeout"] == 20


@pytest.mark.skipif(not IS_POSTGRES, reason="statement_timeout is PostgreSQL's")
def test_statement_over_the_timeout_is_503(alice, monkeypatch):
    from annotations.api import views

    original = views.ArticleViewSet.get_queryset

    def slow(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")
        return original(self)

    monkeypatch.setattr(views.ArticleViewSet, "get_queryset", slow)
    client = token_client(alice, scope="read")
    options = connection.settings_dict["OPTIONS"]
    saved = options["options"]
    connection.close()
    options["options"] = "-c statement_timeout=300"
    try:
        response = client.get("/api/articles/")
    finally:
        connection.close()
        options["options"] = saved
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"]
