"""POST /api/articles/<id>/spans/: many spans of one article in one request, all or nothing."""

from __future__ import annotations

import pytest

from annotations.models import Annotation, Assignment, AuditEvent
from tests.api_helpers import fast_passwords, session_client, token_client  # noqa: F401
from tests.factories import make_annotation

pytestmark = pytest.mark.django_db


def url(article) -> str:
    return f"/api/articles/{article.pk}/spans/"


def span(article, phrase, **extra):
    start = article.text.index(phrase)
    return {"start": start, "end": start + len(phrase), "quote": phrase, "tag": "claim", **extra}


def test_creates_many_spans_audited_in_one_request(article, alice, django_assert_max_num_queries):
    client = token_client(alice)
    phrases = ["North Korea", "11,000 troops", "Kursk region", "Moscow denied the report"]
    body = {
        "spans": [span(article, p, verdict="false", note=f"n{i}") for i, p in enumerate(phrases)]
    }
    body["spans"][1]["tag"] = "ESTIMATE".lower()
    with django_assert_max_num_queries(25):
        response = client.post(url(article), body, format="json")
    assert response.status_code == 200, response.content
    got = response.json()["annotations"]
    assert [a["quote"] for a in got] == phrases and [a["version"] for a in got] == [1, 1, 1, 1]
    assert got[1]["tag"] == "estimate" and got[0]["verdict"] == "false"
    rows = Annotation.objects.filter(article=article, reviewer=alice)
    assert rows.count() == 4
    events = AuditEvent.objects.filter(action="annotation.create", article_id=article.pk)
    assert events.count() == 4 and set(events.values_list("via", flat=True)) == {"api"}
    assert {e.after["quote"] for e in events} == set(phrases)
    assert Assignment.objects.get(article=article, reviewer=alice).status == "in_progress"
    article.refresh_from_db()
    assert article.status == "in_review"


def test_one_bad_span_and_nothing_is_saved_with_every_error_listed(article, alice):
    client = session_client(alice)
    good = span(article, "North Korea")
    wrong_quote = {**span(article, "Kursk region"), "quote": "Kursk regiom"}
    bad_tag = span(article, "Moscow", tag="rumour")
    past_end = {"start": 0, "end": 10_000, "quote": "x", "tag": "claim"}
    response = client.post(
        url(article), {"spans": [good, wrong_quote, bad_tag, past_end]}, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert [(e["index"], e["field"]) for e in problem["span_errors"]] == [
        (1, "quote"), (2, "tag"), (3, "end"),
    ]  # fmt: skip
    assert "spans[1].quote" in problem["errors"]
    assert "nothing was saved" in problem["detail"]
    assert not Annotation.objects.exists() and not AuditEvent.objects.exists()


def test_updates_with_versions_and_a_stale_one_fails_the_whole_request(article, alice):
    client = token_client(alice)
    a = make_annotation(article, alice, 0, 5)
    b = make_annotation(article, alice, 6, 11)
    Annotation.objects.filter(pk=b.pk).update(version=3)  # changed elsewhere meanwhile
    body = {
        "spans": [
            {"id": a.pk, "version": 1, "note": "checked"},
            {"id": b.pk, "version": 2, "tag": "denial"},
            span(article, "Kursk region"),
        ]
    }
    response = client.post(url(article), body, format="json")
    assert response.status_code == 412
    assert response.json()["stale"] == [{"index": 1, "id": b.pk, "current_version": 3}]
    assert Annotation.objects.count() == 2
    assert Annotation.objects.get(pk=a.pk).note == ""
    body["spans"][1]["version"] = 3
    response = client.post(url(article), body, format="json")
    assert response.status_code == 200, response.content
    first, second, created = response.json()["annotations"]
    assert (first["note"], first["version"]) == ("checked", 2)
    assert (second["tag"], second["version"]) == ("denial", 4)
    assert created["quote"] == "Kursk region" and created["version"] == 1
    update = AuditEvent.objects.get(action="annotation.update", object_id=b.pk)
    assert (update.before["tag"], update.after["tag"], update.after["version"]) == (
        "claim", "denial", 4,
    )  # fmt: skip


def test_others_spans_unknown_ids_and_submitted_work_are_refused(article, alice, bob):
    client = token_client(alice)
    bobs = make_annotation(article, bob, 0, 5)
    response = client.post(url(article), {"spans": [{"id": bobs.pk, "note": "x"}]}, format="json")
    assert response.status_code == 400
    assert (
        response.json()["span_errors"][0]["message"] == "You can change only your own annotations."
    )
    response = client.post(url(article), {"spans": [{"id": 999999, "note": "x"}]}, format="json")
    assert response.status_code == 400 and "No annotation 999999" in response.content.decode()
    response = client.post(url(article), {"spans": "nope"}, format="json")
    assert response.status_code == 400
    from annotations.services.annotating import submit_article

    submit_article(user=alice, article=article)
    response = client.post(url(article), {"spans": [span(article, "Kursk")]}, format="json")
    assert response.status_code == 403
    assert Annotation.objects.filter(reviewer=alice).count() == 0


def test_permissions_outsider_read_token_and_invisible_article(article, alice, charlie, settings):
    body = {"spans": [span(article, "Kursk")]}
    assert session_client(charlie).post(url(article), body, format="json").status_code == 403
    assert token_client(alice, "read").post(url(article), body, format="json").status_code == 403
    settings.FACTCHECK_ASSIGNMENT_MODE = "assigned"  # alice is not assigned: she cannot see it
    assert token_client(alice).post(url(article), body, format="json").status_code == 404
    assert not Annotation.objects.exists()


def test_claimant_types_are_set_checked_and_remembered_as_in_single_writes(article, alice):
    """The bulk writer used to drop ``claimant_type`` silently (created spans and changes)."""
    client = token_client(alice, scope="write")
    body = {
        "spans": [
            span(article, "North Korea", claimant="KCNA", claimant_type="organization"),
            # Not given: the type given to the same name earlier in the request.
            span(article, "11,000 troops", claimant="kcna"),
            span(article, "Kursk region", claimant="Kim Jong Un"),  # never typed: unknown
        ]
    }
    response = client.post(url(article), body, format="json")
    assert response.status_code == 200, response.content
    got = response.json()["annotations"]
    assert [a["claimant_type"] for a in got] == ["organization", "organization", ""]
    first, _, third = got
    change = {
        "spans": [
            {"id": third["id"], "version": 1, "claimant_type": "person"},
            # Another claimant, no type given: the type just given to that name, not the old one.
            {"id": first["id"], "version": 1, "claimant": "Kim Jong Un"},
        ]
    }
    response = client.post(url(article), change, format="json")
    assert response.status_code == 200, response.content
    assert [a["claimant_type"] for a in response.json()["annotations"]] == ["person", "person"]
    stored = Annotation.objects.get(pk=third["id"])
    assert stored.claimant_type == "person" and stored.version == 2
    bad = client.post(
        url(article), {"spans": [span(article, "North Korea", claimant_type="robot")]},
        format="json",
    )  # fmt: skip
    assert bad.status_code == 400
    assert bad.json()["span_errors"][0]["field"] == "claimant_type"
