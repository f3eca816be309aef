"""Keyboard users reach the article text in one Tab and Enter: the skip link is the first
focusable element on every page, and on the text pages it goes to the text."""

from __future__ import annotations

from typing import Any

from tests.adjudication_helpers import two_reviews
from tests.browser.helpers import login, open_article
from tests.factories import make_article, make_user


def _skip(page: Any) -> tuple[str, str]:
    page.keyboard.press("Tab")
    label = page.evaluate("document.activeElement.textContent")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert page.is_visible(".skip-link")  # shown while focused
    page.keyboard.press("Enter")
    return label, page.evaluate("document.activeElement.id")


def test_skip_link_reaches_the_text_in_one_tab(page, live_server):
    alice, bob = make_user("alice"), make_user("bob")
    make_user("carol", "adjudicator")
    article = make_article()
    login(page, live_server, "alice")
    open_article(page, live_server, article)
    page.screenshot(path="/tmp/skip-link-before.png")
    assert _skip(page) == ("Skip to text", "article-text")
    # The text has the focus: Shift+arrows select in it straight away.
    page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("getSelection().toString()") == "N"

    two_reviews(article, alice, bob)
    page.context.clear_cookies()
    login(page, live_server, "carol")
    page.goto(f"{live_server.url}/articles/{article.pk}/adjudicate/")
    page.wait_for_function("window.__adjudicateReady === true")
    assert _skip(page) == ("Skip to text", "article-text")

    for path in ("/", "/settings/tokens/", f"/articles/{article.pk}/history/"):
        page.goto(f"{live_server.url}{path}")
        assert _skip(page) == ("Skip to content", "main"), path
