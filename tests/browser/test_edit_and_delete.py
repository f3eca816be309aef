"""Clicking a highlight opens it to edit or delete; both go through the API with If-Match."""

from __future__ import annotations

from annotations.models import Annotation
from tests.browser.helpers import highlight_text, login, open_article, saved_count, wait_saved
from tests.factories import make_annotation, make_article, make_user


def test_click_highlight_edit_then_delete(page, live_server):
    alice = make_user("alice")
    article = make_article()
    start = article.text.index("Moscow denied the report")
    ann = make_annotation(article, alice, start, start + len("Moscow denied the report"))
    login(page, live_server, "alice")
    open_article(page, live_server, article)

    page.click(f"#article-text mark[data-starts='{ann.pk}']")
    page.wait_for_selector("#popover:not([hidden])")
    assert page.inner_text("#pop-quote") == "Moscow denied the report"
    assert page.is_checked("input[name=tag][value=claim]")
    before = saved_count(page)
    page.keyboard.press("2")  # now a denial
    page.select_option("#pop-verdict", "false")
    page.fill("#pop-note", "The ministry's own <b>statement</b>.")
    page.fill("#pop-evidence", "https://example.org/statement")
    page.click("#pop-save")
    wait_saved(page, before)

    ann.refresh_from_db()
    assert (ann.tag, ann.verdict.slug, ann.version) == ("denial", "false", 2)
    assert ann.note == "The ministry's own <b>statement</b>."
    assert ann.evidence_urls == ["https://example.org/statement"]
    assert (ann.start, ann.quote) == (start, "Moscow denied the report")

    page.reload()
    page.wait_for_function("window.__workspaceReady > 0")
    page.click(f"#article-text mark[data-starts='{ann.pk}']")
    page.wait_for_selector("#popover:not([hidden])")
    assert page.input_value("#pop-note") == "The ministry's own <b>statement</b>."
    page.click("#pop-delete")
    assert page.inner_text("#pop-delete") == "Really delete?"
    page.click("#pop-delete")
    page.wait_for_function("document.querySelectorAll('#article-text mark').length === 0")
    page.wait_for_selector("#save-state[data-state=saved]")
    page.wait_for_function(
        "!Object.keys(localStorage).some(k => k.startsWith('factcheck:pending'))"
    )

    ann.refresh_from_db()
    assert ann.deleted_at is not None
    page.reload()
    page.wait_for_function("window.__workspaceReady > 0")
    assert highlight_text(page, ann.pk) == ""
    assert page.inner_text("#ann-count") == "0"


def test_side_list_in_text_order_scrolls_to_highlight(page, live_server):
    alice = make_user("alice")
    text = "\n".join(f"Paragraph {i}: the ministry said {i * 100} troops." for i in range(200))
    article = make_article(text)
    far = text.index("Paragraph 190")
    near = text.index("Paragraph 3:")
    late = make_annotation(article, alice, far, far + len("Paragraph 190"), tag="estimate")
    early = make_annotation(article, alice, near, near + len("Paragraph 3"))
    login(page, live_server, "alice")
    open_article(page, live_server, article)

    items = page.locator("#ann-list button.ann-item")
    assert items.count() == 2
    assert [items.nth(i).get_attribute("data-id") for i in range(2)] == [
        str(early.pk),
        str(late.pk),
    ]
    assert page.evaluate("window.scrollY") == 0
    items.nth(1).click()
    mark = page.locator(f"#article-text mark[data-starts='{late.pk}']")
    assert mark.evaluate("m => document.activeElement === m")
    box = mark.bounding_box()
    assert 0 < box["y"] < page.viewport_size["height"]
    assert page.evaluate("window.scrollY") > 1000
    assert Annotation.objects.count() == 2
