"""The adjudication page in a browser: every control works on the first click wherever the page
is scrolled (pressing a control must not scroll the page away from under the pointer), and
"Edit and accept" saves the edited verdict, rationale and evidence."""

from __future__ import annotations

from typing import Any

from annotations.models import Annotation, ItemDismissal
from annotations.services.annotating import submit_article
from tests.adjudication_helpers import span
from tests.browser.helpers import login
from tests.factories import LOREM, make_article, make_user

FILLER = "\n\n".join(
    f"Paragraph {i}: the ministry published another long statement about the figures, "
    "which several analysts then questioned in detail over the following days."
    for i in range(60)
)
PHRASES = ["about 11,000 troops", "Moscow denied the report", "4,000 were wounded"]
LATE = [f"Paragraph {i}: the ministry published" for i in (20, 35, 50, 58)]


def _setup() -> tuple[Any, dict[str, Annotation]]:
    alice, bob = make_user("alice"), make_user("bob")
    make_user("carol", "adjudicator")
    article = make_article(LOREM + "\n\n" + FILLER)
    spans = {}
    # Alice and Bob differ on every span (tags), so every item is an open conflict.
    for phrase in PHRASES + LATE:
        spans[phrase] = span(alice, article, phrase, "claim", "false")
        span(bob, article, phrase, "estimate", "true")
    submit_article(user=alice, article=article)
    submit_article(user=bob, article=article)
    return article, spans


def _open(page: Any, live_server: Any, article: Any) -> None:
    page.goto(f"{live_server.url}/articles/{article.pk}/adjudicate/")
    page.wait_for_function("window.__adjudicateReady === true")


def _scroll(page: Any, where: str) -> None:
    page.evaluate(
        """(where) => {
          const max = document.documentElement.scrollHeight - innerHeight;
          scrollTo(0, where === 'top' ? 0 : where === 'middle' ? max / 2 : max);
        }""",
        where,
    )


def test_dismiss_works_on_first_click_at_any_scroll_position(page, live_server):
    article, spans = _setup()
    login(page, live_server, "carol")
    _open(page, live_server, article)
    positions = ["top", "middle", "bottom", "top", "middle", "bottom", "middle"]
    for n, phrase in enumerate(PHRASES + LATE):
        key = page.evaluate(
            "(id) => document.querySelector(`section.item[data-key*='${id}']`).dataset.key",
            str(spans[phrase].pk),
        )
        item = f"section.item[data-key='{key}']"
        _scroll(page, positions[n])
        # Fill with the keyboard focus elsewhere, then press the button with the mouse.
        page.fill(f"{item} .dismiss-form input[name=rationale]", f"not check-worthy {n}")
        _scroll(page, positions[n])
        with page.expect_navigation(timeout=5000):
            page.click(f"{item} button.dismiss")
        page.wait_for_function("window.__adjudicateReady === true")
        assert ItemDismissal.objects.filter(article=article, item_key=key).exists(), phrase
    assert ItemDismissal.objects.filter(article=article).count() == len(PHRASES + LATE)
    page.screenshot(path="/tmp/adjudicate-dismissed.png", full_page=False)


def test_save_as_final_and_accept_on_first_click(page, live_server):
    article, spans = _setup()
    login(page, live_server, "carol")
    _open(page, live_server, article)
    # "Save as final" on an item far down the list, with the page scrolled to the middle.
    target = spans[LATE[-1]]
    col = f".col:has(form input[name=based_on][value='{target.pk}'])"
    _scroll(page, "middle")
    page.click(f"{col} details.edit summary")
    form = f"{col} form.edit-form"
    page.select_option(f"{form} select[name=verdict]", "half-true")
    page.fill(f"{form} textarea[name=rationale]", "Edited in the browser")
    page.fill(
        f"{form} textarea[name=evidence_urls]", "https://example.org/a\nhttps://example.org/b"
    )
    _scroll(page, "middle")
    with page.expect_navigation(timeout=5000):
        page.click(f"{form} button[type=submit]")
    page.wait_for_function("window.__adjudicateReady === true")
    final = Annotation.objects.finals().get(based_on=target)
    assert final.verdict.slug == "half-true"
    assert final.rationale == "Edited in the browser"
    assert final.evidence_urls == ["https://example.org/a", "https://example.org/b"]
    page.reload()
    page.wait_for_function("window.__adjudicateReady === true")
    shown = page.inner_text(f".final[data-final='{final.pk}']")
    assert "Half True" in shown or "half" in shown.lower()
    assert "Edited in the browser" in shown
    assert (
        page.locator(f".final[data-final='{final.pk}'] a[href='https://example.org/b']").count()
        == 1
    )

    # "Accept" on the first item, scrolled to the bottom.
    first = spans[PHRASES[0]]
    _scroll(page, "bottom")
    with page.expect_navigation(timeout=5000):
        page.click(f"button.accept[data-annotation='{first.pk}']")
    page.wait_for_function("window.__adjudicateReady === true")
    assert Annotation.objects.finals().filter(based_on=first).exists()
    page.screenshot(path="/tmp/adjudicate-final.png", full_page=True)


def test_failed_save_keeps_edits_in_the_browser(page, live_server):
    article, spans = _setup()
    login(page, live_server, "carol")
    _open(page, live_server, article)
    target = spans[PHRASES[1]]
    col = f".col:has(form input[name=based_on][value='{target.pk}'])"
    page.click(f"{col} details.edit summary")
    form = f"{col} form.edit-form"
    page.select_option(f"{form} select[name=verdict]", "half-true")
    page.fill(f"{form} textarea[name=rationale]", "Keep me")
    page.fill(f"{form} textarea[name=evidence_urls]", "ftp://nope")
    with page.expect_navigation(timeout=5000):
        page.click(f"{form} button[type=submit]")
    page.wait_for_function("window.__adjudicateReady === true")
    assert not Annotation.objects.finals().exists()
    form = f"{col} form.edit-form"
    assert page.is_visible(f"{form} .form-error")
    assert "Evidence URLs" in page.inner_text(f"{form} .form-error")
    assert page.input_value(f"{form} textarea[name=rationale]") == "Keep me"
    assert page.input_value(f"{form} select[name=verdict]") == "half-true"
    assert page.input_value(f"{form} textarea[name=evidence_urls]") == "ftp://nope"
    page.screenshot(path="/tmp/adjudicate-error.png", full_page=False)
