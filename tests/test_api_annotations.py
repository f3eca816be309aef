"""Annotation endpoints: ETag/If-Match, problem+json errors, 404 for what one cannot see."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from annotations.models import Annotation
from tests.api_helpers import fast_passwords  # noqa: F401
from tests.factories import make_annotation


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


def _body(article, **extra):
    body = {"article": article.pk, "start": 0, "end": 5, "quote": "North", "tag": "claim"}
    body.update(extra)
    return body


def test_create_returns_etag_and_location(api, article):
    response = api.post("/api/annotations/", _body(article, verdict="half-true"), format="json")
    assert response.status_code == 201, response.content
    assert response["ETag"] == '"1"'
    assert response.json()["verdict"] == "half-true"
    assert response["Location"] == f"/api/annotations/{response.json()['id']}/"


def test_stale_if_match_is_412_and_nothing_changes(api, article):
    created = api.post("/api/annotations/", _body(article), format="json").json()
    url = f"/api/annotations/{created['id']}/"
    ok = api.patch(url, {"note": "v2"}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = api.patch(url, {"note": "lost"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert stale.json()["current_version"] == 2
    assert Annotation.objects.get().note == "v2"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quote": "Nort"}, "quote"),
        ({"start": -3}, "start"),
        ({"end": 10**6}, "end"),
        ({"tag": "rumour"}, "tag"),
        ({"verdict": "supported"}, "verdict"),
        ({"colour": "red"}, "colour"),
        ({"start": "zero"}, "start"),
    ],
)
def test_bad_bodies_are_400_problems_naming_the_field(api, article, change, field):
    response = api.post("/api/annotations/", _body(article, **change), format="json")
    assert response.status_code == 400, response.content
    problem = response.json()
    assert problem["status"] == 400 and field in problem["errors"]
    assert not Annotation.objects.exists()


def test_malformed_json_is_400(api, article):
    response = api.generic(
        "POST", "/api/annotations/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_wrong_media_type_is_415(api, article):
    response = api.generic(
        "POST", "/api/annotations/", json.dumps(_body(article)), content_type="text/csv"
    )
    assert response.status_code == 415


def test_other_reviewers_annotation_is_404_in_blind_mode(api, article, bob):
    theirs = make_annotation(article, bob, 0, 5)
    assert api.get(f"/api/annotations/{theirs.pk}/").status_code == 404
    assert (
        api.patch(f"/api/annotations/{theirs.pk}/", {"note": "x"}, format="json").status_code == 404
    )


def test_delete_then_gone_from_list(api, article):
    created = api.post("/api/annotations/", _body(article), format="json").json()
    assert api.delete(f"/api/annotations/{created['id']}/", HTTP_IF_MATCH='"1"').status_code == 204
    assert api.get("/api/annotations/").json() == {"next": None, "results": []}
