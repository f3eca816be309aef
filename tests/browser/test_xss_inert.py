"""Markup in article text, titles, notes and claimants renders as text, never runs."""

from __future__ import annotations

from annotations.models import Via
from annotations.services.annotating import create_annotation
from tests.browser.helpers import login, open_article
from tests.factories import make_article, make_user

EVIL = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'


def test_markup_is_shown_as_text(page, live_server):
    alice = make_user("alice")
    text = f"Before {EVIL} after.\n\nThe ministry said <b>nothing</b>."
    article = make_article(text, title='<img src=x onerror="window.__xss = 3">Title')
    start = text.index("<img")
    create_annotation(
        user=alice,
        article=article,
        start=start,
        end=start + len('<img src=x onerror="window.__xss = 2">'),
        quote='<img src=x onerror="window.__xss = 2">',
        tag="claim",
        claimant='<img src=x onerror="window.__xss = 4">',
        note="<script>window.__xss = 5</script>",
        via=Via.API,
    )
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, live_server, "alice")
    assert '<img src=x onerror="window.__xss = 3">Title' in page.inner_text("table.queue")
    open_article(page, live_server, article)
    page.hover("#article-text mark.hl")
    page.click("#ann-list button.ann-item")

    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert page.inner_text("#article-text") == text
    assert page.locator("#article-text script, #article-text img, #article-text b").count() == 0
    assert page.locator("main img, #tooltip img, #ann-list img").count() == 0
    assert '<img src=x onerror="window.__xss = 4">' in page.inner_text("#tooltip")
    assert page.inner_text("#article-title").startswith("<img src=x")
