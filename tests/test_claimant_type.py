"""The claimant's type (person / organization) is what a reviewer set, defaults to the type
last given to the same name, and is never guessed from the name."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction

from annotations.models import Article, VerdictLabel
from annotations.services import adjudication as adj
from annotations.services.annotating import create_annotation, update_annotation
from tests.api_helpers import fast_passwords, make_final, session_client, token_client  # noqa: F401
from tests.factories import make_annotation, make_article

TEXT = "Kim Jong Un said the troops were sent. KCNA said 11,000 troops went to Kursk."


def _span(text: str, quote: str) -> dict:
    start = text.index(quote)
    return {"start": start, "end": start + len(quote), "quote": quote}


@pytest.fixture
def news(db):
    return make_article(TEXT, url="https://news.example/k")


def _claimreview(final) -> dict:
    Article.objects.filter(pk=final.article_id).update(status="published")
    client = session_client(final.reviewer)
    response = client.get(f"/api/verdicts/{final.pk}/claimreview/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    ("claimant", "claimant_type", "author"),
    [
        ("Kim Jong Un", "person", {"@type": "Person", "name": "Kim Jong Un"}),
        ("KCNA", "organization", {"@type": "Organization", "name": "KCNA"}),
        # Nobody said: the author has its name only, no guessed type.
        ("Kim Jong Un", "", {"name": "Kim Jong Un"}),
        ("Russian defence ministry", "", {"name": "Russian defence ministry"}),
    ],
)
def test_claimreview_author_uses_the_stored_type(news, carol, claimant, claimant_type, author):
    false = VerdictLabel.objects.get(scale=news.verdict_scale, slug="false")
    final = make_final(
        news, carol, 0, 11, verdict=false, claimant=claimant, claimant_type=claimant_type
    )
    assert _claimreview(final)["itemReviewed"]["author"] == author


def test_api_accepts_sets_and_validates_claimant_type(news, alice):
    client = token_client(alice, scope="write")
    body = {"article": news.pk, "tag": "claim", "claimant": "KCNA", **_span(TEXT, "KCNA said")}
    created = client.post(
        "/api/annotations/", {**body, "claimant_type": "organization"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["claimant_type"] == "organization"
    changed = client.patch(
        f"/api/annotations/{created.json()['id']}/", {"claimant_type": "person"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["claimant_type"] == "person"
    bad = client.post("/api/annotations/", {**body, "claimant_type": "robot"}, format="json")
    assert bad.status_code == 400 and "claimant_type" in bad.json()["errors"]


def test_default_is_the_type_last_given_to_the_name(news, alice, bob):
    first = create_annotation(
        user=alice, article=news, tag="claim", claimant="Kim Jong Un",
        claimant_type="person", **_span(TEXT, "Kim Jong Un said"),
    )  # fmt: skip
    assert first.claimant_type == "person"
    again = create_annotation(
        user=alice, article=news, tag="claim", claimant="kim jong un",
        **_span(TEXT, "the troops were sent"),
    )  # fmt: skip
    assert again.claimant_type == "person"
    # Another article of the desk: Alice's own earlier choice is remembered.
    other = make_article("Kim Jong Un visited the front.")
    there = create_annotation(
        user=alice, article=other, tag="claim", claimant="Kim Jong Un",
        **_span(other.text, "Kim Jong Un visited"),
    )  # fmt: skip
    assert there.claimant_type == "person"
    # Bob never typed this name: blind review shares nothing, so it stays unknown.
    bobs = create_annotation(
        user=bob, article=news, tag="claim", claimant="Kim Jong Un",
        **_span(TEXT, "Kim Jong Un said"),
    )  # fmt: skip
    assert bobs.claimant_type == ""
    # An unknown name is unknown, whatever it sounds like.
    ministry = create_annotation(
        user=alice, article=news, tag="claim", claimant="Ministry of Defence",
        **_span(TEXT, "KCNA said"),
    )  # fmt: skip
    assert ministry.claimant_type == ""


def test_changing_the_claimant_does_not_keep_the_old_type(news, alice):
    a = make_annotation(news, alice, 0, 11, claimant="KCNA", claimant_type="organization")
    updated = update_annotation(user=alice, annotation=a, changes={"claimant": "Kim Jong Un"})
    assert updated.claimant_type == ""


def test_finals_carry_the_type(news, alice, bob, carol):
    from annotations.models import Assignment

    a = make_annotation(news, alice, 0, 11, claimant="Kim Jong Un", claimant_type="person")
    make_annotation(news, bob, 0, 11, claimant="Kim Jong Un", claimant_type="person")
    for user in (alice, bob):
        Assignment.objects.update_or_create(
            article=news, reviewer=user, defaults={"status": "submitted"}
        )
    type(a).objects.filter(article=news).update(state="submitted")
    accepted = adj.accept_version(by=carol, article=news, annotation=a.pk)
    assert accepted.claimant_type == "person"
    edited = adj.write_final(
        by=carol, article=news, based_on=a.pk, tag="claim", claimant="Kim Jong Un",
        claimant_type="organization", rationale="r", **_span(TEXT, "Kim Jong Un"),
    )  # fmt: skip
    assert edited.claimant_type == "organization"
    api = token_client(carol, scope="write")
    final = api.get(f"/api/finals/{edited.pk}/").json()
    assert final["claimant_type"] == "organization"
    exported = api.get("/api/exports/annotations.jsonl")
    rows = [json.loads(x) for x in b"".join(exported.streaming_content).decode().splitlines()]
    assert {r["claimant_type"] for r in rows} == {"person", "organization"}


def test_adjudication_form_posts_the_type(news, alice, carol):
    from django.test import Client

    from annotations.models import Assignment

    a = make_annotation(news, alice, 0, 11, claimant="KCNA", state="submitted")
    Assignment.objects.update_or_create(
        article=news, reviewer=alice, defaults={"status": "submitted"}
    )
    web = Client()
    web.force_login(carol)
    page = web.get(f"/articles/{news.pk}/adjudicate/").content.decode()
    assert 'name="claimant_type"' in page
    response = web.post(
        f"/articles/{news.pk}/adjudicate/",
        {"op": "edit", "based_on": a.pk, "start": 0, "end": 11, "tag": "claim",
         "claimant": "KCNA", "claimant_type": "organization", "rationale": "checked"},
    )  # fmt: skip
    assert response.status_code in (200, 302)
    final = type(a).objects.finals().get(article=news)
    assert final.claimant_type == "organization"


def test_database_refuses_an_unknown_type(news, alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_annotation(news, alice, 0, 11, claimant_type="robot")


def test_annotate_page_offers_the_type(news, alice):
    from django.test import Client

    web = Client()
    web.force_login(alice)
    page = web.get(f"/articles/{news.pk}/").content.decode()
    assert 'id="pop-claimant-type"' in page and 'value="organization"' in page
