"""Verdicts: one row per final (with the reviewers' verdicts it covers), else per review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from annotations.models import Article, VerdictLabel
from tests.api_helpers import fast_passwords, make_final, results, session_client  # noqa: F401
from tests.factories import make_annotation


def label(article, slug):
    return VerdictLabel.objects.get(scale=article.verdict_scale, slug=slug)


@pytest.fixture
def claims(article, alice, bob, carol):
    # "North Korea has sent about 11,000 troops" = [0:40]; alice and bob overlap on it.
    a = make_annotation(article, alice, 0, 40, verdict=label(article, "false"), claimant="NK")
    b = make_annotation(article, bob, 14, 40, verdict=label(article, "mostly-false"))
    # A second claim only bob marked, no final yet.
    c = make_annotation(article, bob, 135, 160, tag="estimate", verdict=label(article, "true"))
    # A span without a verdict is not a verdict.
    make_annotation(article, alice, 84, 96, tag="denial")
    final = make_final(
        article,
        carol,
        0,
        40,
        verdict=label(article, "false"),
        claimant="Russian defence ministry",
        claimant_type="organization",
    )
    return {"alice": a, "bob": b, "only_bob": c, "final": final}


def test_final_row_carries_reviewer_verdicts_and_supersedes_them(claims, carol):
    rows = results(session_client(carol).get("/api/verdicts/"))
    assert [r["id"] for r in rows] == [claims["only_bob"].pk, claims["final"].pk]
    final = rows[1]
    assert final["kind"] == "final" and final["published"] is False
    assert final["final_verdict"]["verdict"]["slug"] == "false"
    assert final["final_verdict"]["adjudicator"] == "carol"
    assert [(r["reviewer"], r["verdict"]["slug"]) for r in final["reviewer_verdicts"]] == [
        ("alice", "false"),
        ("bob", "mostly-false"),
    ]
    assert sorted(final["supersedes"]) == sorted([claims["alice"].pk, claims["bob"].pk])
    assert final["quote"] == "North Korea has sent about 11,000 troops"
    assert final["article"]["title"] == claims["final"].article.title
    open_row = rows[0]
    assert open_row["final_verdict"] is None and open_row["tag"] == "estimate"
    assert [r["reviewer"] for r in open_row["reviewer_verdicts"]] == ["bob"]


def test_without_final_each_review_is_a_row(claims, carol):
    claims["final"].deleted_at = timezone.now()
    claims["final"].save()
    rows = results(session_client(carol).get("/api/verdicts/"))
    assert [r["id"] for r in rows] == [claims["alice"].pk, claims["bob"].pk, claims["only_bob"].pk]
    assert all(r["final_verdict"] is None for r in rows)
    assert [r["reviewer"] for r in rows[0]["reviewer_verdicts"]] == ["alice", "bob"]


def test_published_filter_and_flag(claims, carol):
    Article.objects.filter(pk=claims["final"].article_id).update(status="published")
    client = session_client(carol)
    rows = results(client.get("/api/verdicts/?published=true"))
    assert [(r["id"], r["published"]) for r in rows] == [(claims["final"].pk, True)]
    assert [r["id"] for r in results(client.get("/api/verdicts/?published=false"))] == [
        claims["only_bob"].pk
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tag=estimate", ["only_bob"]),
        ("verdict=false", ["final"]),
        ("reviewer=bob", ["only_bob"]),
        ("has_final=true", ["final"]),
        ("source=Nowhere", []),
        ("source=Test%20Wire", ["only_bob", "final"]),
    ],
)
def test_filters(claims, carol, query, expected):
    rows = results(session_client(carol).get(f"/api/verdicts/?{query}"))
    assert [r["id"] for r in rows] == [claims[name].pk for name in expected]


def test_claimreview_of_a_verdict(claims, carol, settings):
    settings.FACTCHECK_ORGANIZATION = "Desk"
    settings.FACTCHECK_PUBLIC_URL = "https://desk.example"
    article = claims["final"].article
    article.url = "https://news.example/a"
    article.published_at = dt.datetime(2025, 1, 2, 10, 0, tzinfo=dt.UTC)
    article.published_verdicts_at = dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.UTC)
    article.save()
    response = session_client(carol).get(f"/api/verdicts/{claims['final'].pk}/claimreview/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    body = response.json()
    assert body["@context"] == "https://schema.org" and body["@type"] == "ClaimReview"
    assert body["claimReviewed"] == "North Korea has sent about 11,000 troops"
    assert body["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "worstRating": 1,
        "bestRating": 6,
        "alternateName": "False",
    }
    assert body["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Russian defence ministry",
    }
    assert body["itemReviewed"]["appearance"][0]["url"] == "https://news.example/a"
    assert body["itemReviewed"]["appearance"][0]["headline"] == article.title
    assert body["itemReviewed"]["datePublished"] == "2025-01-02"
    assert body["author"] == {
        "@type": "Organization",
        "name": "Desk",
        "url": "https://desk.example",
    }
    assert body["datePublished"] == "2025-03-04"
    assert body["url"] == f"https://desk.example/verdicts/{claims['final'].pk}/"


def test_claimreview_of_an_unrateable_label_has_no_rating_value(article, carol):
    final = make_final(
        article,
        carol,
        0,
        5,
        verdict=label(article, "unverifiable"),
        claimant="Ann Lee",
        claimant_type="person",
    )
    body = session_client(carol).get(f"/api/verdicts/{final.pk}/claimreview/").json()
    assert body["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}
    assert body["itemReviewed"]["author"] == {"@type": "Person", "name": "Ann Lee"}
