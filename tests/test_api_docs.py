"""The OpenAPI document and its Swagger UI / ReDoc pages, which work offline."""

from __future__ import annotations

import re

import pytest
import yaml
from django.test import Client


@pytest.fixture
def schema(db):
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_public_and_describes_the_api(schema):
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in [
        "/api/verdicts/",
        "/api/verdicts/{id}/claimreview/",
        "/api/annotations/{id}/",
        "/api/articles/",
        "/api/import-jobs/",
        "/api/verdict-scales/",
        "/api/tokens/",
        "/api/agreement/corpus/",
        "/api/agreement/articles/{id}/",
        "/api/exports/claimreview.jsonl",
        "/api/exports/webannotation.jsonld",
        "/api/exports/annotations.csv",
        "/api/exports/doccano.jsonl",
        "/api/exports/labelstudio.json",
    ]:
        assert path in paths, path
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    guide = schema["info"]["description"]
    assert "updated_since" in guide and "404" in guide and "read-only" in guide.lower()
    verdict_params = {p["name"] for p in paths["/api/verdicts/"]["get"]["parameters"]}
    assert {"cursor", "page_size", "updated_since", "published", "tag", "verdict"} <= verdict_params
    export_params = {p["name"] for p in paths["/api/exports/doccano.jsonl"]["get"]["parameters"]}
    assert {"reviewer", "kind", "offsets"} <= export_params
    patch = paths["/api/annotations/{id}/"]["patch"]
    assert "412" in patch["responses"]
    assert any(p["name"] == "If-Match" for p in patch["parameters"])


def test_schema_also_served_as_yaml(db):
    response = Client().get("/api/schema/")
    assert yaml.safe_load(response.content)["info"]["title"] == "Fact-check annotation API"


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_use_only_local_assets(db, url):
    response = Client().get(url)
    assert response.status_code == 200
    html = response.content.decode()
    refs = re.findall(r'(?:src|href)=["\']([^"\']+)', html)
    assert refs, html[:500]
    assert all(not re.match(r"^(https?:)?//", ref) for ref in refs), refs
    assert any("/static/drf_spectacular_sidecar/" in ref for ref in refs)
    for ref in refs:
        if ref.startswith("/static/"):
            assert Client().get(ref).status_code == 200, ref
