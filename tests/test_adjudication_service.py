"""Adjudication service: aligned items and conflicts, accepting, writing, dismissing, roles."""

from __future__ import annotations

import pytest

from annotations.models import Annotation, AuditEvent
from annotations.services import adjudication as adj
from annotations.services.annotating import (
    AnnotationError,
    NotAllowed,
    StaleVersion,
    submit_article,
)
from tests.adjudication_helpers import span, two_reviews


@pytest.fixture
def reviews(article, alice, bob):
    return two_reviews(article, alice, bob)


def _by_member(items, annotation):
    return next(i for i in items if annotation.pk in {a.pk for a in i.members.values()})


def test_items_are_aligned_with_conflicts_first(article, reviews):
    items = adj.adjudication_view(article)
    assert [(i.status, sorted(i.members)) for i in items] == [
        ("conflict", ["alice", "bob"]),  # denied: boundaries + tag
        ("conflict", ["alice", "bob"]),  # wounded: verdict
        ("conflict", ["alice"]),  # exaggerated: partial
        ("agreed", ["alice", "bob"]),  # troops
    ]
    assert items[0].conflicts == ["boundaries", "tag"]
    assert items[1].conflicts == ["verdict"]
    assert items[2].conflicts == ["partial"] and items[2].missing == ["bob"]
    assert items[3].conflicts == [] and items[3].members["bob"] == reviews["b_troops"]
    assert [i.start for i in items[:3]] == sorted(i.start for i in items[:3])


def test_drafts_of_a_reviewer_who_has_not_submitted_are_left_out(article, alice, bob):
    span(alice, article, "Moscow denied", "denial")
    assert adj.adjudication_view(article) == []


def test_claimant_conflict_only_between_two_given_names(article, alice, bob, carol):
    span(alice, article, "Moscow denied the report", "denial", claimant="Kremlin")
    span(bob, article, "Moscow denied the report", "denial", claimant="")
    submit_article(user=alice, article=article)
    submit_article(user=bob, article=article)
    (item,) = adj.adjudication_view(article)
    assert item.status == "agreed" and item.merged_claimant() == "Kremlin"
    (final,) = adj.accept_all_agreed(by=carol, article=article)
    assert final.claimant == "Kremlin" and final.based_on is not None


def test_accept_version_makes_a_final_and_replaces_an_earlier_one(article, reviews, carol):
    first = adj.accept_version(
        by=carol, article=article, annotation=reviews["a_wounded"], rationale="report says so"
    )
    assert (first.kind, first.reviewer, first.based_on) == ("final", carol, reviews["a_wounded"])
    assert first.verdict.slug == "half-true" and first.rationale == "report says so"
    second = adj.accept_version(by=carol, article=article, annotation=reviews["b_wounded"])
    first.refresh_from_db()
    assert first.deleted_at is not None
    item = _by_member(adj.adjudication_view(article), reviews["a_wounded"])
    assert [f.pk for f in item.finals] == [second.pk] and item.resolved
    actions = list(AuditEvent.objects.filter(object_type="annotation", action__startswith="final"))
    assert [(e.action, e.object_id) for e in actions] == [
        ("final.create", first.pk),
        ("final.delete", first.pk),
        ("final.create", second.pk),
    ]
    assert actions[1].note == f"replaced by final {second.pk}"


def test_write_new_final_is_validated_and_settles_overlapping_items(article, reviews, carol):
    text = article.text
    start = text.index("Moscow denied")
    with pytest.raises(AnnotationError) as bad:
        adj.write_final(
            by=carol, article=article, start=start, end=start + 6, quote="Mosc", tag="denial"
        )
    assert bad.value.field == "quote"
    with pytest.raises(AnnotationError) as bad_verdict:
        adj.write_final(
            by=carol, article=article, start=start, end=start + 6, quote="Moscow",
            tag="denial", verdict="supported",
        )  # fmt: skip
    assert bad_verdict.value.field == "verdict"
    phrase = "Moscow denied the report on Monday"
    final = adj.write_final(
        by=carol, article=article, start=start, end=start + len(phrase), quote=phrase,
        tag="denial", verdict="false", claimant="Moscow", rationale="whole sentence",
    )  # fmt: skip
    assert final.based_on is None and final.claimant == "Moscow"
    item = _by_member(adj.adjudication_view(article), reviews["a_denied"])
    assert item.finals == [final]
    event = AuditEvent.objects.get(action="final.create")
    assert event.after["rationale"] == "whole sentence" and event.after["verdict"] == "false"


def test_update_and_delete_final_are_versioned_and_soft(article, reviews, carol):
    final = adj.accept_version(by=carol, article=article, annotation=reviews["a_troops"])
    updated = adj.update_final(
        by=carol, final=final, changes={"verdict": "true", "rationale": "checked"},
        expected_version=1,
    )  # fmt: skip
    assert (updated.version, updated.verdict.slug, updated.rationale) == (2, "true", "checked")
    with pytest.raises(StaleVersion):
        adj.update_final(by=carol, final=final, changes={"note": "x"}, expected_version=1)
    adj.delete_final(by=carol, final=final)
    final.refresh_from_db()
    assert final.deleted_at is not None and Annotation.objects.filter(pk=final.pk).exists()
    event = AuditEvent.objects.filter(object_id=final.pk, action="final.update").get()
    assert (event.before["verdict"], event.after["verdict"]) == ("mostly-true", "true")


def test_accept_all_agreed_settles_only_agreed_items(article, reviews, carol):
    created = adj.accept_all_agreed(by=carol, article=article)
    assert [f.based_on_id for f in created] == [reviews["a_troops"].pk]
    assert adj.accept_all_agreed(by=carol, article=article) == []
    assert sum(not i.resolved for i in adj.adjudication_view(article)) == 3


def test_dismiss_needs_a_rationale_and_can_be_withdrawn(article, reviews, carol):
    item = _by_member(adj.adjudication_view(article), reviews["a_exag"])
    with pytest.raises(AnnotationError) as missing:
        adj.dismiss_item(by=carol, article=article, item=item.key, rationale="  ")
    assert missing.value.field == "rationale"
    adj.dismiss_item(by=carol, article=article, item=item.key, rationale="a quote, not a claim")
    again = _by_member(adj.adjudication_view(article), reviews["a_exag"])
    assert again.resolved and again.dismissal.rationale == "a quote, not a claim"
    with pytest.raises(adj.AdjudicationError):
        adj.dismiss_item(by=carol, article=article, item=item.key, rationale="twice")
    adj.undismiss_item(by=carol, article=article, item=item.key)
    assert not _by_member(adj.adjudication_view(article), reviews["a_exag"]).resolved
    assert list(
        AuditEvent.objects.filter(action__startswith="item.").values_list("action", flat=True)
    ) == ["item.dismiss", "item.undismiss"]


def test_unknown_item_and_foreign_based_on_are_clear_errors(article, reviews, carol, alice):
    with pytest.raises(AnnotationError) as unknown:
        adj.dismiss_item(by=carol, article=article, item="999-1000", rationale="x")
    assert unknown.value.field == "item"
    draft_article = type(article).objects.create(
        text=article.text + " ", raw="x", content_hash="other", verdict_scale=article.verdict_scale
    )
    draft = span(alice, draft_article, "Moscow denied")
    with pytest.raises(AnnotationError) as foreign:
        adj.accept_version(by=carol, article=article, annotation=draft)
    assert foreign.value.field == "based_on"


@pytest.mark.parametrize("persona", ["alice", "charlie"])
def test_only_adjudicators_adjudicate(request, article, reviews, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotAllowed):
        adj.accept_version(by=user, article=article, annotation=reviews["a_troops"])
    with pytest.raises(NotAllowed):
        adj.accept_all_agreed(by=user, article=article)
    assert not Annotation.objects.finals().exists()
    assert not AuditEvent.objects.filter(action__startswith="final.").exists()


def test_admin_can_adjudicate(article, reviews, admin_user):
    final = adj.accept_version(by=admin_user, article=article, annotation=reviews["a_troops"])
    assert final.reviewer == admin_user
