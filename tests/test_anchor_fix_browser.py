"""In a real browser, selecting text on the fix page gives code-point offsets the server takes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from annotations.models import Annotation
from annotations.services.revisions import revise_article
from annotations.text import CleanedText
from tests.factories import make_annotation, make_article
from tests.revision_texts import ARTICLE, KREMLIN_SENTENCE, span

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium"),
]
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# Emoji (two UTF-16 units each) before the span: DOM offsets would be off by one per emoji.
EMOJI_ARTICLE = "🇰🇵 🇷🇺 " + ARTICLE
NEW_TEXT = EMOJI_ARTICLE.replace(KREMLIN_SENTENCE, "Moscow 🙏 thanked its ally. ")
TARGET = "Moscow 🙏 thanked its ally"


def test_selecting_text_fixes_an_orphan(live_server, alice, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    article = make_article(EMOJI_ARTICLE)
    start, end = span(EMOJI_ARTICLE, "kremlin")
    kremlin = make_annotation(article, alice, start, end)
    revise_article(
        article_id=article.pk, raw=NEW_TEXT, raw_format="text", cleaned=CleanedText(text=NEW_TEXT)
    )
    assert Annotation.objects.get(pk=kremlin.pk).anchor_status == "orphaned"
    # The ORM is called from the test while Playwright's event loop runs in this thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    shot = Path(settings.VAR_DIR) / "screenshots" / "anchor_fix.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=ARGS
        )
        page = browser.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", "pw-alice")
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/attention/")
        assert page.locator(f"#annotation-{kremlin.pk}").is_visible()
        page.screenshot(path=str(shot.with_name("attention.png")), full_page=True)
        page.click(f"#annotation-{kremlin.pk} >> text=Fix (select text)")
        # The page's module script is deferred: select only once it listens.
        page.wait_for_url(f"**/attention/{kremlin.pk}/fix/")
        page.wait_for_load_state("load")
        page.evaluate(
            """(target) => {
                const node = document.getElementById('article-text').firstChild;
                const at = node.textContent.indexOf(target);
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + target.length);
                const sel = document.getSelection();
                sel.removeAllRanges();
                sel.addRange(range);
            }""",
            TARGET,
        )
        expect(page.locator("#fix-quote")).to_have_value(TARGET)
        expect(page.locator("#fix-start")).to_have_value(str(NEW_TEXT.index(TARGET)))
        page.screenshot(path=str(shot), full_page=True)
        page.click("text=Save the new span")
        page.wait_for_url(f"{live_server.url}/attention/")
        assert "Nothing needs your attention" in page.content()
        page.goto(f"{live_server.url}/articles/{article.pk}/revisions/")
        assert "Changes from revision 1 to 2" in page.content()
        page.screenshot(path=str(shot.with_name("revisions.png")), full_page=True)
        browser.close()
    fixed = Annotation.objects.get(pk=kremlin.pk)
    expected = NEW_TEXT.index(TARGET)  # code points
    assert (fixed.start, fixed.end, fixed.quote) == (expected, expected + len(TARGET), TARGET)
    assert fixed.anchor_status == "exact" and not fixed.needs_attention
    assert os.path.getsize(shot) > 0
