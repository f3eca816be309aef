"""The audit history of a whole journey: every step, in order, with before/after, and scoped."""

from __future__ import annotations

from annotations.models import Via
from annotations.services import adjudication as adj
from annotations.services.annotating import submit_article, update_annotation
from annotations.services.assignment import assign_articles
from annotations.services.history import changes, history
from annotations.services.publishing import publish, unpublish
from tests.adjudication_helpers import span
from tests.factories import make_article


def test_assign_to_unpublish_is_recorded_in_order(alice, bob, carol, admin_user):
    article = make_article()
    other = make_article()
    assign_articles(
        by=admin_user, article_ids=[article.pk, other.pk], reviewer_ids=[alice.pk, bob.pk],
        overlap=2, via=Via.UI,
    )  # fmt: skip
    mine = span(alice, article, "Moscow denied the report", "denial", "false")
    update_annotation(user=alice, annotation=mine, changes={"verdict": "mostly-false"})
    theirs = span(bob, article, "Moscow denied the report", "denial", "false")
    submit_article(user=alice, article=article, via=Via.UI)
    submit_article(user=bob, article=article, via=Via.API)
    final = adj.accept_version(
        by=carol, article=article, annotation=theirs, rationale="ministry statement", via=Via.UI
    )
    publish(by=carol, article=article, via=Via.UI)
    unpublish(by=carol, article=article, reason="appeal", via=Via.API)

    events = list(history(carol, article_id=article.pk))
    assert [(e.actor_name, e.action, e.via) for e in events] == [
        ("ada", "assignment.create", "ui"),
        ("ada", "assignment.create", "ui"),
        ("alice", "annotation.create", "api"),
        ("alice", "annotation.update", "ui"),
        ("bob", "annotation.create", "api"),
        ("alice", "assignment.submit", "ui"),
        ("bob", "assignment.submit", "api"),
        ("carol", "final.create", "ui"),
        ("carol", "article.adjudicate", "ui"),
        ("carol", "article.publish", "ui"),
        ("carol", "article.unpublish", "api"),
    ]
    update = events[3]
    assert changes(update) == [
        {"field": "verdict", "before": "false", "after": "mostly-false"},
        {"field": "version", "before": 1, "after": 2},
    ]
    assert events[7].object_id == final.pk and events[7].after["based_on"] == theirs.pk
    assert {"field": "status", "before": "published", "after": "adjudicated"} in changes(events[10])
    assert [e.action for e in history(carol, annotation_id=mine.pk)] == [
        "annotation.create",
        "annotation.update",
    ]


def test_reviewer_sees_only_own_history_until_submitting(alice, bob, carol):
    article = make_article()
    mine = span(alice, article, "Moscow denied", "denial")
    theirs = span(bob, article, "Analysts estimate", "claim")
    assert [e.object_id for e in history(alice, article_id=article.pk)] == [mine.pk]
    assert list(history(alice, annotation_id=theirs.pk)) == []
    submit_article(user=alice, article=article)
    seen = {(e.object_type, e.object_id) for e in history(alice, article_id=article.pk)}
    assert ("annotation", theirs.pk) in seen
    assert list(history(bob, annotation_id=mine.pk)) == []


def test_outsider_sees_no_history(charlie, alice):
    article = make_article()
    span(alice, article, "Moscow denied", "denial")
    assert list(history(charlie, article_id=article.pk)) == []
