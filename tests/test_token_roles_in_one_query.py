"""A token request reads the token, its user and the user's roles in one query, and role
changes still apply from the very next request."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api_helpers import fast_passwords, token_client  # noqa: F401


def test_roles_come_with_the_token(alice):
    client = token_client(alice)
    client.get("/api/verdict-scales/")  # last_used_at is written on the first use
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/verdict-scales/").status_code == 200
    assert not any(q["sql"].startswith('SELECT "auth_group"') for q in ctx.captured_queries)


def test_a_removed_role_applies_on_the_next_request(alice):
    client = token_client(alice)
    assert client.get("/api/articles/").status_code == 200
    alice.groups.clear()
    assert client.get("/api/articles/").status_code == 403


def test_every_group_of_the_user_counts(alice, article):
    alice.groups.add(Group.objects.get_or_create(name="adjudicator")[0])
    client = token_client(alice)
    # Only adjudicators may list the adjudication queue of an article.
    response = client.get(f"/api/articles/{article.pk}/adjudication/")
    assert response.status_code == 200, response.content
    alice.groups.remove(Group.objects.get(name="adjudicator"))
    assert client.get(f"/api/articles/{article.pk}/adjudication/").status_code == 403
