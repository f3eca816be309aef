"""A reviewer logs in, drags over a phrase, tags it, sets a verdict; it is stored exactly."""

from __future__ import annotations

from annotations.models import Annotation, AssignmentStatus
from tests.browser.helpers import (
    highlight_text,
    login,
    open_article,
    saved_count,
    select_with_mouse,
    wait_saved,
)
from tests.factories import LOREM, make_article, make_user


def test_mouse_selection_is_tagged_saved_and_found_again_after_reload(page, live_server):
    make_user("alice")
    article = make_article(title="Troops in Kursk")
    login(page, live_server, "alice")
    assert "Troops in Kursk" in page.inner_text("table.queue")
    page.click("text=Troops in Kursk")
    page.wait_for_function("window.__workspaceReady > 0")

    phrase = "sent about 11,000 troops to Russia"
    select_with_mouse(page, phrase)
    assert page.inner_text("#pop-quote") == phrase
    before = saved_count(page)
    page.keyboard.press("1")  # claim; focus moves on to the verdict
    page.select_option("#pop-verdict", "mostly-true")
    page.fill("#pop-claimant", "South Korean officials")
    assert page.inner_text("#my-status") == "New"
    page.keyboard.press("Enter")
    wait_saved(page, before)
    assert page.inner_text("#my-status") == "In progress"

    stored = Annotation.objects.get()
    start = LOREM.index(phrase)
    assert (stored.start, stored.end, stored.quote) == (start, start + len(phrase), phrase)
    assert article.text[stored.start : stored.end] == phrase
    assert (stored.tag, stored.verdict.slug, stored.claimant) == (
        "claim",
        "mostly-true",
        "South Korean officials",
    )
    assert stored.article.assignments.get().status == AssignmentStatus.IN_PROGRESS

    page.reload()
    page.wait_for_function("window.__workspaceReady > 0")
    assert highlight_text(page, stored.pk) == phrase
    assert "Mostly true" in page.inner_text("#ann-list")
    page.hover(f"#article-text mark[data-starts='{stored.pk}']")
    tip = page.inner_text("#tooltip")
    assert "Claim" in tip and "Mostly true" in tip and "South Korean officials" in tip


def test_selection_across_a_paragraph_break(page, live_server):
    make_user("alice")
    article = make_article()
    login(page, live_server, "alice")
    open_article(page, live_server, article)

    phrase = "4,000 were wounded.\n\nThe ministry said"
    select_with_mouse(page, phrase)
    before = saved_count(page)
    page.keyboard.press("3")
    page.keyboard.press("Enter")
    wait_saved(page, before)

    stored = Annotation.objects.get()
    assert stored.quote == phrase and stored.tag == "estimate"
    assert article.text[stored.start : stored.end] == phrase
    assert highlight_text(page, stored.pk) == phrase


def test_a_selection_made_without_mouseup_gets_an_annotate_button(page, live_server):
    """Touch screens select by long-press: the selection alone offers the Annotate button."""
    make_user("alice")
    article = make_article()
    login(page, live_server, "alice")
    open_article(page, live_server, article)
    assert page.is_hidden("#annotate-btn")
    page.evaluate(
        """() => { const box = document.getElementById('article-text');
          const w = document.createTreeWalker(box, NodeFilter.SHOW_TEXT); const n = w.nextNode();
          const i = n.data.indexOf('Moscow denied');
          getSelection().setBaseAndExtent(n, i, n, i + 'Moscow denied'.length); }"""
    )
    page.wait_for_selector("#annotate-btn:not([hidden])")
    page.click("#annotate-btn")
    page.wait_for_selector("#popover:not([hidden])")
    assert page.inner_text("#pop-quote") == "Moscow denied"
    before = saved_count(page)
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    wait_saved(page, before)
    assert Annotation.objects.get().quote == "Moscow denied"
