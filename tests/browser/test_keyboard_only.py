"""Annotating without a mouse: Tab to the text, Shift+arrows, Enter, 1/2/3, Tab, Enter."""

from __future__ import annotations

from annotations.models import Annotation
from tests.browser.helpers import login, open_article, saved_count, wait_saved
from tests.factories import LOREM, make_article, make_user


def test_keyboard_only_create_and_edit(page, live_server):
    make_user("alice")
    article = make_article()
    login(page, live_server, "alice")
    open_article(page, live_server, article)

    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "article-text":
            break
    assert page.evaluate("document.activeElement.id") == "article-text"
    for _ in range(len("North ")):
        page.keyboard.press("ArrowRight")
    for _ in range(len("Korea")):
        page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("getSelection().toString()") == "Korea"
    page.keyboard.press("Enter")
    page.wait_for_selector("#popover:not([hidden])")
    before = saved_count(page)
    page.keyboard.press("2")  # denial, focus on the verdict
    assert page.evaluate("document.activeElement.id") == "pop-verdict"
    page.keyboard.press("ArrowDown")  # first label of the scale
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "pop-claimant"
    page.keyboard.type("Reuters")
    page.keyboard.press("Enter")
    wait_saved(page, before)

    stored = Annotation.objects.get()
    assert (stored.start, stored.end, stored.quote) == (6, 11, "Korea")
    assert LOREM[stored.start : stored.end] == "Korea"
    assert (stored.tag, stored.verdict.slug, stored.claimant) == ("denial", "true", "Reuters")

    # The new highlight has focus; Enter opens it, 3 retags it, Enter saves.
    assert page.evaluate("document.activeElement.dataset.starts") == str(stored.pk)
    assert "Denial" in page.inner_text("#tooltip")
    before = saved_count(page)
    page.keyboard.press("Enter")
    page.wait_for_selector("#popover[data-mode=edit]:not([hidden])")
    page.keyboard.press("3")
    page.keyboard.press("Enter")
    wait_saved(page, before)
    stored.refresh_from_db()
    assert (stored.tag, stored.version) == ("estimate", 2)

    # Escape cancels without a write.
    page.keyboard.press("Enter")
    page.wait_for_selector("#popover:not([hidden])")
    page.keyboard.press("1")
    page.keyboard.press("Escape")
    assert page.is_hidden("#popover")
    stored.refresh_from_db()
    assert stored.tag == "estimate"

    # ? opens the help with the scale's labels.
    page.keyboard.press("?")
    assert page.is_visible("#help")
    assert "Pants on fire" in page.inner_text("#help")
