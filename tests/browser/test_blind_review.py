"""Blind review: before submitting, a reviewer sees no one else's spans (page nor API)."""

from __future__ import annotations

import json

from annotations.models import Annotation, AssignmentStatus, Via
from annotations.services.annotating import create_annotation
from tests.browser.helpers import login, open_article, saved_count, select_with_mouse, wait_saved
from tests.factories import make_article, make_user


def _alice_span(article, alice):
    start = article.text.index("Moscow denied the report")
    return create_annotation(
        user=alice,
        article=article,
        start=start,
        end=start + len("Moscow denied the report"),
        quote="Moscow denied the report",
        tag="denial",
        verdict="false",
        via=Via.API,
    )


def _page_data(page):
    return json.loads(page.text_content("#workspace-data"))


def test_blind_until_submitted_then_others_are_shown_read_only(browser, live_server):
    alice = make_user("alice")
    make_user("bob")
    article = make_article()
    theirs = _alice_span(article, alice)

    bob = browser.new_context(viewport={"width": 1280, "height": 900})
    page = bob.new_page()
    login(page, live_server, "bob")
    open_article(page, live_server, article)
    assert page.locator("#article-text mark").count() == 0
    assert _page_data(page)["annotations"] == []
    api = page.request.get(f"{live_server.url}/api/annotations/{theirs.pk}/")
    assert api.status == 404
    listed = page.request.get(f"{live_server.url}/api/annotations/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert theirs.pk not in [row["id"] for row in rows]

    select_with_mouse(page, "4,000 were wounded")
    before = saved_count(page)
    page.keyboard.press("3")
    page.keyboard.press("Enter")
    wait_saved(page, before)
    mine = Annotation.objects.get(reviewer__username="bob")

    page.click("#submit-open")
    assert page.inner_text("#submit-count") == "1"
    page.click("#submit-confirm")
    page.wait_for_selector("#my-status.chip-submitted")
    page.wait_for_function("window.__workspaceReady > 0")
    assert mine.article.assignments.get(reviewer__username="bob").status == (
        AssignmentStatus.SUBMITTED
    )
    assert page.locator("#submit-open").count() == 0
    shown = {a["id"]: a for a in _page_data(page)["annotations"]}
    assert set(shown) == {theirs.pk, mine.pk}
    assert shown[theirs.pk]["reviewer"] == "alice" and not shown[theirs.pk]["mine"]
    assert "alice" in page.inner_text("#ann-list")
    assert page.request.get(f"{live_server.url}/api/annotations/{theirs.pk}/").status == 200

    # Read-only now: the editor opens as a view, and the API refuses a change.
    page.click(f"#article-text mark[data-starts='{mine.pk}']")
    page.wait_for_selector("#popover[data-mode=view]:not([hidden])")
    assert not page.is_visible("#pop-save") and not page.is_visible("#pop-delete")
    bob.close()

    # Alice has not submitted: she still sees only her own span.
    other = browser.new_context()
    page = other.new_page()
    login(page, live_server, "alice")
    open_article(page, live_server, article)
    assert [a["id"] for a in _page_data(page)["annotations"]] == [theirs.pk]
    assert page.request.get(f"{live_server.url}/api/annotations/{mine.pk}/").status == 404
    other.close()


def test_without_blind_review_others_are_visible_at_once(page, live_server, settings):
    settings.FACTCHECK_BLIND_REVIEW = False
    alice = make_user("alice")
    make_user("bob")
    article = make_article()
    theirs = _alice_span(article, alice)
    login(page, live_server, "bob")
    open_article(page, live_server, article)
    assert page.locator(f"#article-text mark.other[data-starts='{theirs.pk}']").count() == 1
    assert "Blind review" not in page.inner_text(".article-head")
