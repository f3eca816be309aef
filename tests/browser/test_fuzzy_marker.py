"""After a revision re-places a span by fuzzy matching, the reviewer is told: the highlight
carries a marker, the side list says so, and a note links to "Needs attention"."""

from __future__ import annotations

from types import SimpleNamespace

from annotations.models import Annotation
from annotations.services.revisions import revise_article
from tests.browser.helpers import login, open_article
from tests.factories import make_annotation, make_article, make_user
from tests.revision_texts import ARTICLE, EDITS, QUOTES


def test_fuzzy_span_is_marked_in_text_and_list(page, live_server):
    alice = make_user("alice")
    article = make_article(ARTICLE)
    start = ARTICLE.index(QUOTES["figure"])
    ann = make_annotation(article, alice, start, start + len(QUOTES["figure"]))
    exact = ARTICLE.index(QUOTES["china"])
    steady = make_annotation(article, alice, exact, exact + len(QUOTES["china"]))
    revise_article(
        article_id=article.pk,
        raw=EDITS["corrected_figure"],
        raw_format="text",
        cleaned=SimpleNamespace(text=EDITS["corrected_figure"], title=None, byline=None,
                                published=None),
    )  # fmt: skip
    ann.refresh_from_db()
    assert ann.anchor_status == "fuzzy" and ann.needs_attention

    login(page, live_server, "alice")
    open_article(page, live_server, article)
    assert page.locator(f"#article-text mark.fuzzy[data-starts='{ann.pk}']").count() == 1
    assert page.locator(f"#article-text mark.fuzzy[data-starts='{steady.pk}']").count() == 0
    item = page.locator(f"button.ann-item[data-id='{ann.pk}']")
    assert "re-placed after revision" in item.inner_text()
    other = page.locator(f"button.ann-item[data-id='{steady.pk}']")
    assert "re-placed" not in other.inner_text()
    assert page.is_visible("#attention-note")
    assert page.inner_text("#attention-count") == "1"
    page.screenshot(path="/tmp/fuzzy-marker.png")
    page.click("#attention-note a")
    page.wait_for_url(f"{live_server.url}/attention/")
    assert str(ann.pk) in page.content()
    assert Annotation.objects.get(pk=ann.pk).needs_attention
