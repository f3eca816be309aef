"""W3C Web Annotation by content negotiation; JSON stays the default."""

from __future__ import annotations

import pytest

from annotations.models import VerdictLabel
from tests.api_helpers import fast_passwords, results, session_client  # noqa: F401
from tests.factories import make_annotation, make_article

PROFILE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


@pytest.fixture
def annotated(alice):
    article = make_article(
        text="Intro 🙂 then: The minister said 40% of troops left.", url="https://n.example/1"
    )
    label = VerdictLabel.objects.get(scale=article.verdict_scale, slug="half-true")
    start = article.text.index("40%")
    return make_annotation(
        article,
        alice,
        start,
        start + 20,
        verdict=label,
        note="Check the census.",
        evidence_urls=["https://stats.example/t"],
    )


def test_default_is_plain_json(annotated, alice):
    response = session_client(alice).get(f"/api/annotations/{annotated.pk}/")
    assert response["Content-Type"] == "application/json"
    assert response.json()["verdict"] == "half-true"


@pytest.mark.parametrize("accept", [PROFILE, "application/ld+json"])
def test_web_annotation_on_accept(annotated, alice, accept, settings):
    settings.FACTCHECK_PUBLIC_URL = "https://desk.example"
    response = session_client(alice).get(f"/api/annotations/{annotated.pk}/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == PROFILE
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert body["type"] == "Annotation" and body["motivation"] == "assessing"
    assert body["id"] == f"https://desk.example/api/annotations/{annotated.pk}/"
    purposes = [(b["purpose"], b.get("value") or b.get("source")) for b in body["body"]]
    assert purposes == [
        ("tagging", "claim"),
        ("assessing", "Half true"),
        ("commenting", "Check the census."),
        ("linking", "https://stats.example/t"),
    ]
    target = body["target"]
    assert target["source"] == "https://n.example/1"
    quote, position = target["selector"]
    assert quote["type"] == "TextQuoteSelector" and quote["exact"] == "40% of troops left."[:20]
    assert quote["prefix"].endswith("said ")
    # Code points: the emoji before the span counts as one character.
    assert position == {
        "type": "TextPositionSelector",
        "start": annotated.start,
        "end": annotated.end,
    }
    text = annotated.article.text
    assert text[position["start"] : position["end"]] == quote["exact"]
    assert body["creator"]["nickname"] == "alice"


def test_tagging_motivation_without_verdict(alice):
    article = make_article()
    annotation = make_annotation(article, alice, 0, 5)
    body = session_client(alice).get(f"/api/annotations/{annotation.pk}/", HTTP_ACCEPT=PROFILE)
    assert body.json()["motivation"] == "tagging"


def test_list_as_annotation_page(annotated, alice):
    response = session_client(alice).get("/api/annotations/", HTTP_ACCEPT=PROFILE)
    body = response.json()
    assert body["type"] == "AnnotationPage"
    assert [item["type"] for item in body["items"]] == ["Annotation"]


def test_unsupported_accept_is_406(annotated, alice):
    response = session_client(alice).get(
        f"/api/annotations/{annotated.pk}/", HTTP_ACCEPT="image/png"
    )
    assert response.status_code == 406


def test_verdicts_list_is_plain_json_with_page_envelope(annotated, carol):
    rows = results(session_client(carol).get("/api/verdicts/"))
    assert rows[0]["verdict"]["slug"] == "half-true"


def test_conditional_get_answers_304_while_unchanged(annotated, alice):
    client = session_client(alice)
    url = f"/api/annotations/{annotated.pk}/"
    etag = client.get(url)["ETag"]
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304 and unchanged["ETag"] == etag
    client.patch(url, {"note": "new"}, format="json", HTTP_IF_MATCH=etag)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
