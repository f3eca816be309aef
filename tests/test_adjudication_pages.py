"""Assignment, adjudication, history and outcome pages: access, actions, escaping."""

from __future__ import annotations

import pytest

from annotations.models import Annotation, ArticleStatus, Assignment, AuditEvent
from annotations.services import adjudication as adj
from annotations.services.annotating import submit_article
from tests.adjudication_helpers import span, two_reviews
from tests.factories import make_article


@pytest.fixture
def reviews(article, alice, bob):
    return two_reviews(article, alice, bob)


def login(client, user):
    client.force_login(user)
    return client


def test_assign_page_assigns_with_overlap_and_unassigns(client, admin_user, alice, bob, carol):
    articles = [make_article(source="Wire A"), make_article(source="Wire A")]
    login(client, admin_user)
    page = client.get("/assign/?source=Wire")
    assert page.status_code == 200 and b"select-all" in page.content
    response = client.post(
        "/assign/",
        {"op": "assign", "articles": [a.pk for a in articles], "reviewers": [alice.pk, bob.pk],
         "overlap": "2", "strategy": "round_robin"},
        follow=True,
    )  # fmt: skip
    assert "Created 4 assignments on 2 articles: alice 2, bob 2." in response.content.decode()
    one = Assignment.objects.get(article=articles[0], reviewer=alice)
    response = client.post("/assign/", {"op": "unassign", "assignment": one.pk}, follow=True)
    assert "Unassigned alice" in response.content.decode()
    one.refresh_from_db()
    assert one.active is False
    bad = client.post("/assign/", {"op": "assign", "articles": [], "overlap": "2"}, follow=True)
    assert "Choose at least one article." in bad.content.decode()


@pytest.mark.parametrize("persona", ["alice", "carol", "charlie"])
def test_assign_page_is_for_admins(client, request, persona):
    login(client, request.getfixturevalue(persona))
    assert client.get("/assign/").status_code == 403


def test_adjudicate_page_shows_conflicts_first_and_escapes(client, article, alice, bob, carol):
    span(alice, article, "Moscow denied", "denial", note="<script>alert(1)</script>")
    span(bob, article, "Moscow denied the report", "denial")
    submit_article(user=alice, article=article)
    submit_article(user=bob, article=article)
    login(client, carol)
    html = client.get(f"/articles/{article.pk}/adjudicate/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'class="badge badge-boundaries"' in html
    assert "Accept alice&#x27;s version" in html or "Accept alice's version" in html


def test_adjudicate_actions_through_the_page(client, article, reviews, carol):
    login(client, carol)
    url = f"/articles/{article.pk}/adjudicate/"
    client.post(url, {"op": "accept_agreed"})
    client.post(url, {"op": "accept", "annotation": reviews["b_wounded"].pk, "rationale": "ok"})
    b = reviews["a_denied"]
    response = client.post(
        url,
        {"op": "edit", "based_on": b.pk, "start": b.start, "end": b.end + 10, "tag": "denial",
         "verdict": "false", "rationale": "longer"},
        follow=True,
    )  # fmt: skip
    assert "Final annotation saved." in response.content.decode()
    item = next(i for i in adj.adjudication_view(article) if not i.resolved)
    # One item is still open: publishing is refused with the reason.
    response = client.post(url, {"op": "publish"}, follow=True)
    assert "not settled yet" in response.content.decode()
    client.post(url, {"op": "dismiss", "item": item.key, "rationale": "quote only"})
    response = client.post(url, {"op": "publish"}, follow=True)
    assert "Published" in response.content.decode()
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    finals = Annotation.objects.alive().finals().order_by("start")
    assert [f.quote for f in finals] == [
        "about 11,000 troops",
        article.text[b.start : b.end + 10],
        "4,000 were wounded",
    ]
    bad = client.post(url, {"op": "unpublish", "reason": ""}, follow=True)
    assert "reason" in bad.content.decode()


def test_adjudicate_page_refuses_reviewers(client, article, reviews, alice, charlie):
    assert login(client, alice).get(f"/articles/{article.pk}/adjudicate/").status_code == 403
    assert login(client, charlie).get(f"/articles/{article.pk}/adjudicate/").status_code == 404


def test_history_page_shows_every_step_with_changes(client, article, reviews, carol):
    adj.accept_version(by=carol, article=article, annotation=reviews["a_troops"], rationale="<b>")
    login(client, carol)
    html = client.get(f"/articles/{article.pk}/history/").content.decode()
    count = AuditEvent.objects.filter(article_id=article.pk).count()
    assert html.count('class="event"') == count
    assert "final.create" in html and "&lt;b&gt;" in html and "<b>" not in html
    one = client.get(f"/articles/{article.pk}/history/?annotation={reviews['a_troops'].pk}")
    assert one.content.decode().count('class="event"') == 1


def test_outcome_page_after_submitting(client, article, reviews, carol, alice, charlie):
    adj.accept_version(by=carol, article=article, annotation=reviews["b_wounded"], rationale="why")
    login(client, alice)
    html = client.get(f"/articles/{article.pk}/outcome/").content.decode()
    assert "why" in html and "Mostly false" in html
    other = make_article()
    assert client.get(f"/articles/{other.pk}/outcome/").status_code == 404
    assert login(client, charlie).get(f"/articles/{article.pk}/outcome/").status_code == 404


def test_nav_links_by_role(client, admin_user, alice):
    assert 'href="/assign/"' in login(client, admin_user).get("/").content.decode()
    assert 'href="/assign/"' not in login(client, alice).get("/").content.decode()
