"""Marking adjudicated, publishing and unpublishing: states, checks and what is recorded."""

from __future__ import annotations

import pytest

from annotations.models import Annotation, ArticleStatus, AuditEvent
from annotations.services import adjudication as adj
from annotations.services.annotating import AnnotationError, NotAllowed
from annotations.services.publishing import mark_adjudicated, publish, unpublish
from tests.adjudication_helpers import two_reviews


@pytest.fixture
def reviews(article, alice, bob):
    return two_reviews(article, alice, bob)


def _settle(article, reviews, carol):
    adj.accept_all_agreed(by=carol, article=article)
    adj.accept_version(by=carol, article=article, annotation=reviews["a_denied"], rationale="r")
    adj.accept_version(by=carol, article=article, annotation=reviews["b_wounded"])
    exag = next(i for i in adj.adjudication_view(article) if "bob" not in i.members)
    adj.dismiss_item(by=carol, article=article, item=exag.key, rationale="not a claim")


def test_submissions_make_the_article_reviewed(article, reviews):
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEWED


def test_publish_refuses_while_items_are_open(article, reviews, carol):
    adj.accept_all_agreed(by=carol, article=article)
    with pytest.raises(adj.AdjudicationError, match="3 item"):
        publish(by=carol, article=article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEWED and article.published_verdicts_at is None


def test_publish_then_unpublish_is_recorded(article, reviews, carol):
    _settle(article, reviews, carol)
    mark_adjudicated(by=carol, article=article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.ADJUDICATED
    publish(by=carol, article=article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.published_verdicts_at
    finals = set(Annotation.objects.alive().finals().values_list("pk", flat=True))
    event = AuditEvent.objects.get(action="article.publish")
    assert event.before["status"] == "adjudicated" and set(event.after["finals"]) == finals
    with pytest.raises(AnnotationError):
        unpublish(by=carol, article=article, reason="")
    unpublish(by=carol, article=article, reason="source retracted")
    article.refresh_from_db()
    assert article.status == ArticleStatus.ADJUDICATED and article.published_verdicts_at is None
    event = AuditEvent.objects.get(action="article.unpublish")
    assert event.note == "source retracted" and event.before["status"] == "published"


def test_publish_marks_adjudicated_first_and_finals_freeze(article, reviews, carol):
    _settle(article, reviews, carol)
    publish(by=carol, article=article)
    actions = list(
        AuditEvent.objects.filter(object_type="article").values_list("action", flat=True)
    )
    assert actions == ["article.adjudicate", "article.publish"]
    final = Annotation.objects.alive().finals().first()
    with pytest.raises(adj.AdjudicationError, match="unpublish"):
        adj.update_final(by=carol, final=final, changes={"note": "late"})
    with pytest.raises(adj.AdjudicationError):
        publish(by=carol, article=article)


def test_deleting_a_final_reopens_an_adjudicated_article(article, reviews, carol):
    _settle(article, reviews, carol)
    mark_adjudicated(by=carol, article=article)
    final = Annotation.objects.alive().finals().first()
    adj.delete_final(by=carol, final=final)
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEWED
    assert AuditEvent.objects.filter(action="article.reopen").count() == 1


def test_nothing_to_adjudicate(article, carol):
    with pytest.raises(adj.AdjudicationError, match="Nothing to adjudicate"):
        publish(by=carol, article=article)


def test_reviewers_cannot_publish(article, reviews, carol, alice):
    _settle(article, reviews, carol)
    with pytest.raises(NotAllowed):
        publish(by=alice, article=article)
    with pytest.raises(NotAllowed):
        mark_adjudicated(by=alice, article=article)
