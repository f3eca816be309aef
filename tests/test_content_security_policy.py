"""Every page is served with a strict Content-Security-Policy, and no template needs an
exception to it (no inline script, inline style attribute or event-handler attribute)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.adjudication_helpers import two_reviews
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "annotations" / "templates"
CLAIMS_TEMPLATES = TEMPLATES.parent.parent / "claims" / "templates"


def directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def assert_strict(response, *, docs: bool = False) -> None:
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    for words in policy.values():
        assert "'unsafe-eval'" not in words and "*" not in words
    if not docs:
        assert policy["style-src"] == ["'self'"]


def test_every_page_sends_a_strict_policy(alice, bob):
    make_user("root", role="admin", is_staff=True, is_superuser=True)
    make_user("carol", "adjudicator")
    article = make_article(url="https://news.example/a")
    two_reviews(article, alice, bob)
    pages = {
        None: ["/accounts/login/", "/admin/login/", "/api/schema/", "/healthz", "/api/articles/"],
        "alice": ["/", f"/articles/{article.pk}/", "/settings/tokens/", "/api/articles/"],
        "carol": ["/adjudicate/", f"/articles/{article.pk}/adjudicate/", "/agreement/"],
        "root": [
            "/imports/", "/feeds/", "/assign/", f"/articles/{article.pk}/source/",
            f"/articles/{article.pk}/history/", "/admin/", "/admin/annotations/article/",
            f"/admin/annotations/article/{article.pk}/change/", "/attention/",
        ],
    }  # fmt: skip
    for username, urls in pages.items():
        client = Client()
        if username:
            client.login(username=username, password=f"pw-{username}")
        for url in urls:
            response = (
                client.get(url)
                if url.startswith("/api/")
                else client.get(url, HTTP_ACCEPT="text/html")
            )
            assert response.status_code in (200, 401, 403), (url, response.status_code)
            assert_strict(response)
    missing = Client().get("/no-such-page/")
    assert missing.status_code == 404
    assert_strict(missing)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/", "/api/docs/?script"])
def test_api_docs_pages_keep_scripts_strict(db, url):
    response = Client().get(url)
    assert response.status_code == 200
    assert_strict(response, docs=True)
    if "?" not in url:
        html = response.content.decode()
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None  # no inline script
        assert "<style" not in html and " style=" not in html


def test_swagger_init_script_is_a_same_origin_file(db):
    html = Client().get("/api/docs/").content.decode()
    assert '<script src="/api/docs/?script=">' in html
    script = Client().get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    assert '"validatorUrl": null' in script.content.decode()  # no third-party badge image


def test_templates_have_no_inline_script_style_or_handlers():
    offenders = []
    for path in [*TEMPLATES.rglob("*.html"), *CLAIMS_TEMPLATES.rglob("*.html")]:
        source = path.read_text(encoding="utf-8")
        for pattern in (
            # JSON and JSON-LD data blocks are not executed (the verdict page embeds ClaimReview).
            r"<script(?![^>]*\b(?:src=|type=\"application/(?:ld\+)?json\"))[^>]*>",
            r"\sstyle=",
            r"<style",
            r"\son[a-z]+=",
            r"javascript:",
        ):
            offenders += [f"{path.name}: {m.group(0)}" for m in re.finditer(pattern, source)]
    assert offenders == []


def test_browsable_api_relaxes_styles_only(alice):
    client = Client()
    client.force_login(alice)
    response = client.get("/api/articles/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    json_policy = directives(client.get("/api/articles/"))
    assert json_policy["style-src"] == ["'self'"]
