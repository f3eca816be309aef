"""Every read goes through visible_to: who sees which articles and annotations."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from annotations.models import Annotation, Article, Assignment
from tests.factories import make_annotation


def test_anonymous_and_outsiders_see_nothing(article, alice, charlie):
    make_annotation(article, alice, 0, 5)
    for user in (AnonymousUser(), charlie):
        assert not Article.objects.visible_to(user).exists()
        assert not Annotation.objects.visible_to(user).exists()


def test_blind_review_hides_others_until_own_submission(article, alice, bob):
    mine = make_annotation(article, alice, 0, 5)
    theirs = make_annotation(article, bob, 6, 11)
    assert list(Annotation.objects.visible_to(alice)) == [mine]
    Assignment.objects.create(article=article, reviewer=alice, status="submitted")
    assert set(Annotation.objects.visible_to(alice)) == {mine, theirs}
    assert list(Annotation.objects.visible_to(bob)) == [theirs]


def test_blind_review_off_shows_everyone(settings, article, alice, bob):
    settings.FACTCHECK_BLIND_REVIEW = False
    make_annotation(article, alice, 0, 5)
    make_annotation(article, bob, 6, 11)
    assert Annotation.objects.visible_to(alice).count() == 2


def test_adjudicator_sees_all(article, alice, bob, carol):
    make_annotation(article, alice, 0, 5)
    make_annotation(article, bob, 6, 11)
    assert Annotation.objects.visible_to(carol).count() == 2


def test_assigned_mode_limits_reviewers_to_their_assignments(settings, article, alice, carol):
    settings.FACTCHECK_ASSIGNMENT_MODE = "assigned"
    assert not Article.objects.visible_to(alice).exists()
    Assignment.objects.create(article=article, reviewer=alice)
    assert list(Article.objects.visible_to(alice)) == [article]
    assert Article.objects.visible_to(carol).count() == 1
