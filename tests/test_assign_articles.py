"""Bulk assignment with an overlap, balanced across reviewers, undoable, audited."""

from __future__ import annotations

from collections import Counter

import pytest

from annotations.models import Assignment, AuditEvent
from annotations.services.assignment import (
    AssignmentError,
    assign_articles,
    reassign,
    unassign,
)
from tests.factories import make_article, make_user


@pytest.fixture
def reviewers(db):
    return [make_user(f"rev{i}") for i in range(3)]


def test_overlap_two_is_balanced(admin_user, reviewers):
    articles = [make_article() for _ in range(6)]
    made = assign_articles(
        by=admin_user,
        article_ids=[a.pk for a in articles],
        reviewer_ids=[r.pk for r in reviewers],
        overlap=2,
    )
    assert len(made) == 12
    per_article = Counter(a.article_id for a in made)
    assert set(per_article.values()) == {2}
    per_reviewer = Counter(a.reviewer_id for a in made)
    assert sorted(per_reviewer.values()) == [4, 4, 4]
    assert {a.status for a in articles[0].__class__.objects.all()} == {"in_review"}
    assert AuditEvent.objects.filter(action="assignment.create").count() == 12


def test_rerun_adds_nothing_and_random_is_reproducible(admin_user, reviewers):
    ids = [make_article().pk for _ in range(5)]
    rids = [r.pk for r in reviewers]
    first = assign_articles(
        by=admin_user, article_ids=ids, reviewer_ids=rids, overlap=2, strategy="random", seed=7
    )
    assert assign_articles(by=admin_user, article_ids=ids, reviewer_ids=rids, overlap=2) == []
    pairs = sorted((a.article_id, a.reviewer_id) for a in first)
    Assignment.objects.all().delete()
    again = assign_articles(
        by=admin_user, article_ids=ids, reviewer_ids=rids, overlap=2, strategy="random", seed=7
    )
    assert sorted((a.article_id, a.reviewer_id) for a in again) == pairs


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"article_ids": []}, "at least one article"),
        ({"reviewer_ids": []}, "at least one reviewer"),
        ({"overlap": 4}, "overlap must be between 1 and"),
        ({"article_ids": [999999]}, "No such articles"),
    ],
)
def test_bad_requests_are_refused_with_reasons(admin_user, reviewers, kwargs, message):
    article = make_article()
    args = {
        "article_ids": [article.pk],
        "reviewer_ids": [r.pk for r in reviewers],
        "overlap": 2,
    }
    args.update(kwargs)
    with pytest.raises(AssignmentError, match=message):
        assign_articles(by=admin_user, **args)
    assert not Assignment.objects.exists()


def test_only_admins_assign(alice, reviewers):
    with pytest.raises(PermissionError):
        assign_articles(
            by=alice, article_ids=[make_article().pk], reviewer_ids=[alice.pk], overlap=1
        )


def test_unassign_and_reassign(admin_user, reviewers):
    article = make_article()
    (first,) = assign_articles(
        by=admin_user, article_ids=[article.pk], reviewer_ids=[reviewers[0].pk], overlap=1
    )
    moved = reassign(by=admin_user, assignment=first, to_reviewer=reviewers[1])
    first.refresh_from_db()
    assert not first.active and moved.active and moved.reviewer == reviewers[1]
    unassign(by=admin_user, assignment=moved)
    assert not Assignment.objects.filter(active=True).exists()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == [
        "assignment.create",
        "assignment.unassign",
        "assignment.create",
        "assignment.unassign",
    ]
