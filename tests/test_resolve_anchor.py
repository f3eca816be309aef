"""After a revision, the author or an adjudicator confirms a fuzzy anchor or fixes a span."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from annotations.models import Annotation, AuditEvent
from annotations.models.review import AnnotationKind
from annotations.services.annotating import AnnotationError, NotAllowed, submit_article
from annotations.services.revisions import attention_queue, resolve_anchor, revise_article
from annotations.text import CleanedText
from tests.factories import make_annotation, make_article
from tests.revision_texts import ARTICLE, KREMLIN_SENTENCE, span

# One edit that makes the figure fuzzy and the Kremlin sentence orphaned.
REVISED = ARTICLE.replace("about 11,000 troops", "about 12,000 troops").replace(
    KREMLIN_SENTENCE, ""
)


@pytest.fixture
def revised(alice, bob, carol):
    article = make_article(ARTICLE)
    notes = {}
    for user in (alice, bob):
        for name in ("figure", "kremlin", "confirmed"):
            notes[user.username, name] = make_annotation(
                article, user, *span(ARTICLE, name), note=name
            )
    notes["final", "figure"] = make_annotation(
        article, carol, *span(ARTICLE, "figure"), kind=AnnotationKind.FINAL, note="figure"
    )
    submit_article(user=alice, article=article)  # read-only for alice from now on
    revise_article(
        article_id=article.pk, raw=REVISED, raw_format="text", cleaned=CleanedText(text=REVISED)
    )
    article.refresh_from_db()
    return article, {k: Annotation.objects.get(pk=a.pk) for k, a in notes.items()}


def test_author_confirms_fuzzy_anchor_even_after_submitting(revised, alice):
    article, notes = revised
    figure = notes["alice", "figure"]
    assert figure.anchor_status == "fuzzy" and figure.needs_attention

    done = resolve_anchor(user=alice, annotation=figure, action="confirm")

    assert (done.anchor_status, done.needs_attention, done.version) == ("moved", False, 3)
    assert article.text[done.start : done.end] == done.quote
    assert "12,000" in done.quote
    event = AuditEvent.objects.get(action="annotation.anchor_confirm", object_id=figure.pk)
    assert event.before["anchor_status"] == "fuzzy" and event.after["anchor_status"] == "moved"
    assert event.actor == alice


def test_author_fixes_orphan_by_selecting_new_text(revised, alice):
    article, notes = revised
    kremlin = notes["alice", "kremlin"]
    assert kremlin.anchor_status == "orphaned"
    quote = "Analysts in Kyiv disputed the claim"
    start = article.text.index(quote)

    done = resolve_anchor(
        user=alice, annotation=kremlin, action="fix", start=start, end=start + len(quote),
        quote=quote,
    )  # fmt: skip

    assert (done.start, done.quote, done.anchor_status) == (start, quote, "exact")
    assert done.needs_attention is False and done.anchor_score == 1.0
    assert done.prefix == article.text[start - 32 : start]
    assert AuditEvent.objects.filter(action="annotation.anchor_fix", object_id=kremlin.pk).exists()


def test_confirming_an_orphan_is_refused_with_a_hint(revised, alice):
    _, notes = revised
    with pytest.raises(AnnotationError, match=r"orphaned.*'fix'") as err:
        resolve_anchor(user=alice, annotation=notes["alice", "kremlin"], action="confirm")
    assert err.value.field == "action"


def test_fix_checks_the_span_against_the_current_text(revised, alice):
    _, notes = revised
    with pytest.raises(AnnotationError, match="does not match") as err:
        resolve_anchor(
            user=alice, annotation=notes["alice", "kremlin"], action="fix", start=0, end=5,
            quote="Kreml",
        )  # fmt: skip
    assert err.value.field == "quote"
    assert Annotation.objects.get(pk=notes["alice", "kremlin"].pk).needs_attention is True


def test_fix_is_refused_for_an_anchor_no_revision_moved(revised, alice):
    _, notes = revised
    confirmed = notes["alice", "confirmed"]
    assert confirmed.anchor_status == "exact"
    with pytest.raises(AnnotationError, match="editing the annotation"):
        resolve_anchor(
            user=alice, annotation=confirmed, action="fix", start=confirmed.start,
            end=confirmed.end, quote=confirmed.quote,
        )  # fmt: skip


def test_other_reviewer_may_not_resolve_and_reviewer_may_not_resolve_finals(revised, alice, bob):
    _, notes = revised
    with pytest.raises(NotAllowed):
        resolve_anchor(user=bob, annotation=notes["alice", "figure"], action="confirm")
    with pytest.raises(NotAllowed):
        resolve_anchor(user=alice, annotation=notes["final", "figure"], action="confirm")


def test_adjudicator_resolves_reviewers_and_final_anchors(revised, carol):
    _, notes = revised
    resolve_anchor(user=carol, annotation=notes["bob", "figure"], action="confirm")
    final = resolve_anchor(user=carol, annotation=notes["final", "figure"], action="confirm")
    assert final.anchor_status == "moved" and not final.needs_attention


def test_attention_queue_own_for_reviewers_all_for_adjudicators(
    revised, alice, bob, carol, charlie
):
    _, notes = revised
    own = {(a.reviewer.username, a.note) for a in attention_queue(alice)}
    assert own == {("alice", "figure"), ("alice", "kremlin")}
    assert {a.note for a in attention_queue(bob)} == {"figure", "kremlin"}
    assert attention_queue(carol).count() == 5  # 2 + 2 reviews and the final
    assert attention_queue(charlie).count() == 0
    resolve_anchor(user=alice, annotation=notes["alice", "figure"], action="confirm")
    assert [a.note for a in attention_queue(alice)] == ["kremlin"]


# --- through the API ------------------------------------------------------------------------


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_confirm_returns_annotation_and_etag(revised, alice):
    _, notes = revised
    pk = notes["alice", "figure"].pk
    response = _client(alice).post(
        f"/api/annotations/{pk}/anchor/", {"action": "confirm"}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert response.status_code == 200, response.content
    assert response.json()["anchor_status"] == "moved"
    assert response.json()["needs_attention"] is False
    assert response["ETag"] == '"3"'


def test_api_stale_if_match_is_412(revised, alice):
    _, notes = revised
    pk = notes["alice", "figure"].pk
    response = _client(alice).post(
        f"/api/annotations/{pk}/anchor/", {"action": "confirm"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 412
    assert Annotation.objects.get(pk=pk).anchor_status == "fuzzy"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "delete"}, "action"),
        ({}, "action"),
        ({"action": "fix", "start": 0, "end": 3, "quote": "xyz"}, "quote"),
        ({"action": "fix"}, "start"),
        ({"action": "confirm", "colour": "red"}, "colour"),
    ],
)
def test_api_bad_bodies_are_400_problems(revised, alice, body, field):
    _, notes = revised
    pk = notes["alice", "kremlin"].pk
    response = _client(alice).post(f"/api/annotations/{pk}/anchor/", body, format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


def test_api_invisible_annotation_is_404_and_visible_foreign_one_403(revised, bob, carol, charlie):
    _, notes = revised
    pk = notes["alice", "figure"].pk
    # Blind review: bob has not submitted, so alice's annotation does not exist for him.
    assert (
        _client(bob).post(f"/api/annotations/{pk}/anchor/", {"action": "confirm"}).status_code
        == 404
    )
    # An account without a role is refused by the whole API (HasRole).
    outsider = _client(charlie).post(
        f"/api/annotations/{pk}/anchor/", {"action": "confirm"}, format="json"
    )
    assert outsider.status_code == 403
    final_pk = notes["final", "figure"].pk
    alice_client = _client(notes["alice", "figure"].reviewer)
    response = alice_client.post(
        f"/api/annotations/{final_pk}/anchor/", {"action": "confirm"}, format="json"
    )
    assert response.status_code == 403  # she submitted, so she sees the final, but may not fix it


def test_api_article_revisions_lists_old_and_current_text_with_counts(revised, alice, charlie):
    article, _ = revised
    response = _client(alice).get(f"/api/articles/{article.pk}/revisions/")
    assert response.status_code == 200
    body = response.json()
    assert body["revision"] == 2
    first, current = body["revisions"]
    assert (first["number"], first["current"], first["text"]) == (1, False, ARTICLE)
    assert (current["number"], current["current"], current["text"]) == (2, True, REVISED)
    assert first["anchors"] is None
    assert current["anchors"] == {"exact": 2, "moved": 0, "fuzzy": 3, "orphaned": 2}
    assert _client(charlie).get(f"/api/articles/{article.pk}/revisions/").status_code == 403
