"""Hostile input that once gave 500s: every answer is a problem+json 4xx instead."""

from __future__ import annotations

import pytest

from tests.api_helpers import fast_passwords, token_client  # noqa: F401
from tests.factories import make_annotation

PROBLEM = "application/problem+json"


@pytest.fixture
def client(alice):
    return token_client(alice, scope="write")


def _assert_problem(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["detail"]
    return body


def test_deeply_nested_json_is_400(client):
    body = "[" * 1000 + "]" * 1000
    response = client.generic("POST", "/api/annotations/", body, content_type="application/json")
    _assert_problem(response, 400)
    nested = '{"note": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.generic("POST", "/api/annotations/", nested, content_type="application/json")
    _assert_problem(response, 400)


def test_if_match_of_thousands_of_digits_is_400(client, alice, article):
    annotation = make_annotation(article, alice, 0, 5)
    response = client.patch(
        f"/api/annotations/{annotation.pk}/",
        {"note": "x"},
        format="json",
        HTTP_IF_MATCH='"' + "9" * 5000 + '"',
    )
    body = _assert_problem(response, 400)
    assert "If-Match" in body["errors"]
    response = client.patch(
        f"/api/annotations/{annotation.pk}/?version=" + "9" * 5000, {"note": "x"}, format="json"
    )
    _assert_problem(response, 400)
    annotation.refresh_from_db()
    assert annotation.note == ""


@pytest.mark.parametrize("value", ["¹", "١", "٣٤", "²³", "1" * 19, "-1"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/finals/?article=",
        "/api/assignments/?article=",
        "/api/history/?article=",
        "/api/agreement/articles/?import_job=",
        "/api/articles/?import_job=",
        "/api/annotations/?article=",
        "/api/annotations/?page_size=",
    ],
)
def test_non_ascii_digits_in_query_are_400(client, carol, path, value):
    response = token_client(carol, scope="write").get(path + value)
    _assert_problem(response, 400)


@pytest.mark.parametrize(
    "path",
    [
        "/api/annotations/99999999999999999999999/",
        "/api/articles/99999999999999999999999/",
        "/api/finals/99999999999999999999999/",
        "/api/articles/99999999999999999999999/adjudication/",
        "/api/nothing-here/",
        "/api/annotations/¹/",
    ],
)
def test_unknown_and_huge_ids_are_404_problem(client, path):
    _assert_problem(client.get(path), 404)


def test_unhandled_error_is_500_problem_without_internals(alice, monkeypatch, caplog):
    from annotations.api import views

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail /etc/passwd")

    monkeypatch.setattr(views.ArticleViewSet, "get_queryset", boom)
    client = token_client(alice, scope="write")
    client.raise_request_exception = False
    response = client.get("/api/articles/")
    body = _assert_problem(response, 500)
    assert "secret" not in response.content.decode()
    assert body["title"] == "Internal server error"
    assert any("secret internal detail" in (r.exc_text or "") for r in caplog.records)


def test_web_pages_take_non_ascii_digits_without_500(client, alice, carol, article):
    from django.test import Client

    web = Client()
    web.force_login(carol)
    response = web.get(f"/articles/{article.pk}/history/?annotation=¹")
    assert response.status_code in (200, 403, 404)
    response = web.get(f"/articles/{article.pk}/revisions/?diff=¹")
    assert response.status_code in (200, 403, 404)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("note", 123),
        ("claimant", True),
        ("quote", 5),
        ("start", "0"),
        ("start", True),
        ("tag", 1),
        ("verdict", 2),
        ("evidence_urls", [1]),
        ("claimant_type", 0),
    ],
)
def test_wrong_json_types_are_refused_not_coerced(client, alice, article, field, value):
    body = {"article": article.pk, "start": 0, "end": 5, "quote": article.text[:5], "tag": "claim"}
    response = client.post("/api/annotations/", {**body, field: value}, format="json")
    problem = _assert_problem(response, 400)
    assert field in problem["errors"], problem
    from annotations.models import Annotation

    assert not Annotation.objects.filter(article=article).exists()


def test_note_123_is_not_stored_by_patch(client, alice, article):
    annotation = make_annotation(article, alice, 0, 5, note="kept")
    response = client.patch(f"/api/annotations/{annotation.pk}/", {"note": 123}, format="json")
    _assert_problem(response, 400)
    annotation.refresh_from_db()
    assert annotation.note == "kept"


@pytest.mark.parametrize(
    "path",
    [
        "/articles/99999999999999999999999/",
        "/articles/99999999999999999999999/history/",
        "/imports/99999999999999999999999/",
        "/verdicts/99999999999999999999999/",
    ],
)
def test_huge_ids_in_web_paths_are_404(carol, path):
    from django.test import Client

    web = Client()
    web.force_login(carol)
    assert web.get(path).status_code == 404
