"""Every published verdict has a public, read-only page at the ClaimReview ``url``: it shows
the claim and the verdict and embeds the ClaimReview JSON-LD that search engines index."""

from __future__ import annotations

import json
import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from annotations.models import Article, VerdictLabel
from tests.api_helpers import fast_passwords, make_final, session_client  # noqa: F401
from tests.factories import make_annotation, make_article

TEXT = "The ministry said </script><script>alert(1)</script> 11,000 troops were sent."
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def published(alice, carol):
    article = make_article(TEXT, url="https://news.example/a", title="Troops & <b>more</b>")
    false = VerdictLabel.objects.get(scale=article.verdict_scale, slug="false")
    final = make_final(
        article,
        carol,
        0,
        len(TEXT),
        verdict=false,
        claimant="Russian defence ministry",
        rationale="Satellite images show <i>none</i>.",
        evidence_urls=["https://evidence.example/1"],
    )
    Article.objects.filter(pk=article.pk).update(status="published")
    return final


def _json_ld(response) -> dict:
    html = response.content.decode()
    [block] = LD_JSON.findall(html)
    assert "</" not in block and "<!--" not in block
    return json.loads(block)


def test_anyone_can_read_a_published_verdict(published, settings):
    settings.FACTCHECK_PUBLIC_URL = ""
    response = Client().get(f"/verdicts/{published.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Russian defence ministry" in html and "False" in html
    assert "Satellite images show &lt;i&gt;none&lt;/i&gt;." in html
    assert 'href="https://news.example/a"' in html
    assert 'href="https://evidence.example/1"' in html
    assert "<script>alert(1)" not in html  # the quote is escaped everywhere
    data = _json_ld(response)
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == TEXT
    assert data["url"] == f"http://testserver/verdicts/{published.pk}/"
    assert data["reviewRating"]["alternateName"] == "False"


def test_no_executable_inline_script(published):
    html = Client().get(f"/verdicts/{published.pk}/").content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'type="application/ld+json"' in tag or "src=" in tag, tag


def test_url_follows_the_port_the_server_runs_on(published, settings):
    settings.FACTCHECK_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    client = Client(HTTP_HOST="127.0.0.1:8123")
    page = client.get(f"/verdicts/{published.pk}/")
    assert _json_ld(page)["url"] == f"http://127.0.0.1:8123/verdicts/{published.pk}/"
    api = session_client(published.reviewer)
    verdict = api.get(f"/api/verdicts/{published.pk}/", HTTP_HOST="127.0.0.1:8123").json()
    assert verdict["url"] == f"http://127.0.0.1:8123/verdicts/{published.pk}/"
    # ... and the page at that address exists.
    assert client.get(verdict["url"].removeprefix("http://127.0.0.1:8123")).status_code == 200


def test_public_url_setting_wins(published, settings):
    settings.FACTCHECK_PUBLIC_URL = "https://desk.example"
    response = Client().get(f"/verdicts/{published.pk}/")
    data = _json_ld(response)
    assert data["url"] == f"https://desk.example/verdicts/{published.pk}/"
    assert f'<link rel="canonical" href="https://desk.example/verdicts/{published.pk}/">' in (
        response.content.decode()
    )
    exported = session_client(published.reviewer).get("/api/exports/claimreview.jsonl")
    line = b"".join(exported.streaming_content).decode().splitlines()[0]
    assert json.loads(line)["url"] == data["url"]


def test_unpublished_unknown_and_review_rows_are_404(published, alice):
    Article.objects.filter(pk=published.article_id).update(status="adjudicated")
    assert Client().get(f"/verdicts/{published.pk}/").status_code == 404
    Article.objects.filter(pk=published.article_id).update(status="published")
    review = make_annotation(published.article, alice, 0, 5, verdict=published.verdict)
    assert Client().get(f"/verdicts/{review.pk}/").status_code == 404
    assert Client().get("/verdicts/99999999/").status_code == 404
    published.deleted_at = published.updated_at
    published.save()
    assert Client().get(f"/verdicts/{published.pk}/").status_code == 404


def test_javascript_article_url_cannot_reach_the_page(published):
    # The database refuses it (article_url_http_only), so the page can never render it; the
    # template's safe_href is the second line of defence (tests/test_http_only_urls.py).
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=published.article_id).update(url="javascript:alert('X')//")
    html = Client().get(f"/verdicts/{published.pk}/").content.decode()
    assert 'href="javascript:' not in html


def test_bad_public_url_setting_stops_the_start():
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DEBUG="1", FACTCHECK_PUBLIC_URL="javascript:alert(1)")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "factcheck.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "FACTCHECK_PUBLIC_URL" in result.stderr
