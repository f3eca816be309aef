"""The reviewer's queue: their articles with status, counts, search and pages."""

from __future__ import annotations

from annotations.models import Assignment, AssignmentStatus
from annotations.services import reviewing
from annotations.services.annotating import submit_article
from tests.factories import make_annotation, make_article


def _login(client, user):
    client.force_login(user)


def test_statuses_and_counts_are_mine(client, alice, bob):
    fresh = make_article(title="Fresh piece", source="Wire A")
    started = make_article(title="Started piece", source="Wire B")
    done = make_article(title="Done piece", source="Wire C")
    for article in (started, done):
        Assignment.objects.create(article=article, reviewer=alice, status="in_progress")
        make_annotation(article, alice, 0, 5)
        make_annotation(article, alice, 6, 11)
    make_annotation(fresh, bob, 0, 5)  # someone else's work does not count for alice
    submit_article(user=alice, article=done)

    rows = {a.title: (a.my_status, a.my_count) for a in reviewing.reviewer_queue(user=alice)}
    assert rows == {
        "Fresh piece": ("new", 0),
        "Started piece": ("in_progress", 2),
        "Done piece": ("submitted", 2),
    }
    assert reviewing.queue_counts(user=alice) == {
        "new": 1,
        "in_progress": 1,
        "submitted": 1,
        "total": 3,
    }
    _login(client, alice)
    html = client.get("/").content.decode()
    assert 'class="chip chip-submitted"' in html and 'class="chip chip-in_progress"' in html
    assert f'href="/articles/{started.pk}/"' in html


def test_search_by_title_and_source_and_filter_by_status(client, alice):
    make_article(title="Troops in Kursk", source="Daily Wire")
    make_article(title="Grain exports", source="Kyiv Independent")
    other = make_article(title="Weather", source="Met Office")
    Assignment.objects.create(article=other, reviewer=alice, status=AssignmentStatus.IN_PROGRESS)
    _login(client, alice)

    def titles(**params):
        page = client.get("/", params).context["page"]
        return sorted(a.title for a in page)

    assert titles(q="kursk") == ["Troops in Kursk"]
    assert titles(q="KYIV") == ["Grain exports"]
    assert titles(q="nothing like it") == []
    assert titles(status="in_progress") == ["Weather"]
    assert titles(status="new") == ["Grain exports", "Troops in Kursk"]
    assert titles(status="bogus") == ["Grain exports", "Troops in Kursk", "Weather"]
    assert "No articles match." in client.get("/", {"q": "zzz"}).content.decode()


def test_assigned_mode_lists_only_my_assignments(client, alice, settings):
    settings.FACTCHECK_ASSIGNMENT_MODE = "assigned"
    mine = make_article(title="Assigned to me")
    make_article(title="Not mine")
    Assignment.objects.create(article=mine, reviewer=alice)
    _login(client, alice)
    page = client.get("/").context["page"]
    assert [a.title for a in page] == ["Assigned to me"]
    assert [a.my_status for a in page] == ["new"]


def test_queue_is_paginated(client, alice):
    for i in range(30):
        make_article(title=f"Piece {i:02d}")
    _login(client, alice)
    first = client.get("/")
    assert len(first.context["page"]) == 25
    assert "Page 1 of 2" in first.content.decode()
    assert len(client.get("/", {"page": 2}).context["page"]) == 5
    assert len(client.get("/", {"page": "x"}).context["page"]) == 25
