"""No lost work: a failed save is shown and retried, and survives a reload."""

from __future__ import annotations

from annotations.models import Annotation, Via
from annotations.services.annotating import update_annotation
from tests.browser.helpers import (
    highlight_text,
    login,
    open_article,
    saved_count,
    select_with_mouse,
    wait_saved,
)
from tests.factories import make_annotation, make_article, make_user

API = "**/api/annotations/"


def test_dropped_connection_is_retried_and_survives_reload(page, live_server):
    make_user("alice")
    article = make_article()
    login(page, live_server, "alice")
    open_article(page, live_server, article)

    page.route(API, lambda route: route.abort("internetdisconnected"))
    phrase = "Analysts estimate that 4,000 were wounded"
    select_with_mouse(page, phrase)
    page.keyboard.press("3")
    page.keyboard.press("Enter")
    page.wait_for_selector("#save-state[data-state=retrying]")
    assert "Not saved — retrying" in page.inner_text("#save-state")
    assert "unsaved" in page.inner_text("#ann-list")
    assert Annotation.objects.count() == 0

    page.reload()  # still offline for the API: the write is kept in the browser
    page.wait_for_function("window.__workspaceReady > 0")
    page.wait_for_selector("#save-state[data-state=retrying]")
    assert "unsaved" in page.inner_text("#ann-list")
    assert page.locator("#article-text mark.pending").count() >= 1

    page.unroute(API)
    page.wait_for_selector("#save-state[data-state=saved]", timeout=15000)
    stored = Annotation.objects.get()
    start = article.text.index(phrase)
    assert (stored.start, stored.end, stored.tag) == (start, start + len(phrase), "estimate")
    assert highlight_text(page, stored.pk) == phrase
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('factcheck:pending'))")
        == []
    )

    page.reload()
    page.wait_for_function("window.__workspaceReady > 0")
    assert Annotation.objects.count() == 1
    assert highlight_text(page, stored.pk) == phrase


def test_changed_elsewhere_is_a_clear_conflict_and_reloads(page, live_server):
    alice = make_user("alice")
    article = make_article()
    ann = make_annotation(article, alice, 0, 11)
    login(page, live_server, "alice")
    open_article(page, live_server, article)
    update_annotation(
        user=alice, annotation=ann, changes={"note": "from the other tab"}, via=Via.API
    )

    page.click(f"#article-text mark[data-starts='{ann.pk}']")
    page.wait_for_selector("#popover:not([hidden])")
    page.select_option("#pop-verdict", "false")
    page.click("#pop-save")
    page.wait_for_selector("#save-state[data-state=error]")
    assert "Changed elsewhere" in page.inner_text("#save-state")
    ann.refresh_from_db()
    assert (ann.verdict_id, ann.note, ann.version) == (None, "from the other tab", 2)
    page.wait_for_function("!document.querySelector('#ann-list .pending')")
    page.click(f"#article-text mark[data-starts='{ann.pk}']")
    page.wait_for_selector("#popover:not([hidden])")
    assert page.input_value("#pop-note") == "from the other tab"
    assert page.input_value("#pop-verdict") == ""

    before = saved_count(page)
    page.select_option("#pop-verdict", "false")
    page.click("#pop-save")
    wait_saved(page, before)
    ann.refresh_from_db()
    assert (ann.verdict.slug, ann.version) == ("false", 3)
