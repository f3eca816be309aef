"""Bad input never gives a 500: a problem+json with a clear message and field errors."""

from __future__ import annotations

import json

import pytest

from tests.api_helpers import fast_passwords, session_client, token_client  # noqa: F401


@pytest.fixture
def client(alice):
    return token_client(alice, scope="write")


def _post(client, body, content_type="application/json"):
    return client.generic("POST", "/api/annotations/", body, content_type=content_type)


def test_huge_body_is_413(client, article):
    body = json.dumps({"article": article.pk, "note": "x" * (3 * 1024 * 1024)})
    response = _post(client, body)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Request body too large"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ("{not json", None),
        ("[1, 2]", "non_field_errors"),
        ('"text"', "non_field_errors"),
        ("null", "non_field_errors"),
        ('{"article": "one", "start": 0, "end": 5, "quote": "North", "tag": "claim"}', "article"),
        ('{"article": 1, "start": 0.5, "end": 5, "quote": "North", "tag": "claim"}', "start"),
        ('{"article": 1, "start": 0, "end": 5, "quote": ["x"], "tag": "claim"}', "quote"),
        ('{"article": 1, "start": 0, "end": 5, "quote": "North", "tag": "claim", "x": 1}', "x"),
        ('{"article": 1, "start": 0, "end": 99999, "quote": "North", "tag": "claim"}', "end"),
        ('{"article": 1, "start": 0, "end": 5, "quote": "North", "tag": "claim", '
         '"verdict": "maybe"}', "verdict"),
        ('{"article": 1, "start": 0, "end": 5, "quote": "North", "tag": "claim", '
         '"evidence_urls": "http://x"}', "evidence_urls"),
        ('{"article": 1, "start": 0, "end": 5, "quote": "North", "tag": "claim", '
         '"evidence_urls": ["javascript:alert(1)"]}', "evidence_urls"),
        ('{"article": 999999, "start": 0, "end": 5, "quote": "North", "tag": "claim"}',
         "article"),
        ('{"article": 1, "start": 99999999999999999999, "end": 5, "quote": "N", "tag": "claim"}',
         "start"),
    ],
)  # fmt: skip
def test_bad_bodies_are_400_with_field_errors(client, article, raw, field):
    response = _post(client, raw.replace('"article": 1,', f'"article": {article.pk},'))
    assert response.status_code == 400, response.content
    problem = response.json()
    assert problem["status"] == 400 and problem["detail"]
    if field:
        assert field in problem["errors"], problem


def test_form_encoded_body_is_415(client, article):
    response = _post(client, "article=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert "application/x-www-form-urlencoded" in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/annotations/?page_size=0",
        "/api/annotations/?page_size=x",
        "/api/verdicts/?tag=rumour",
        "/api/articles/?status=gone",
        "/api/verdicts/?published=perhaps",
        "/api/articles/?import_job=x",
    ],
)
def test_bad_query_parameters_are_400(client, url):
    response = client.get(url)
    assert response.status_code == 400, response.content
    name = url.split("?")[1].split("=")[0]
    assert name in response.json()["errors"]


def test_unknown_object_is_404_problem(client):
    response = client.get("/api/annotations/999999/")
    assert response.status_code == 404
    assert (
        response.json()
        == {
            "type": "about:blank",
            "title": "Not found",
            "status": 404,
            "detail": "No Annotation matches the given query.",
        }
        or response.json()["status"] == 404
    )


def test_wrong_method_is_405(client):
    response = client.put("/api/verdicts/", {}, format="json")
    assert response.status_code == 405 and response["Allow"]


def test_bad_token_is_401(article):
    from rest_framework.test import APIClient

    client = APIClient()
    for header in ["Bearer nope", "Token a b", "Bearer"]:
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get("/api/articles/")
        assert response.status_code == 401, header
        assert response.json()["detail"]


def test_session_writes_need_csrf(alice, article):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/api/annotations/", {"article": article.pk}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert session_client(alice).get("/api/articles/").status_code == 200
