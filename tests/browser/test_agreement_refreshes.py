"""The agreement dashboard's "computing…" state refreshes itself: once the worker stores the
corpus report, the page shows the figures without "Recompute now"."""

from __future__ import annotations

from annotations.services import agreement
from tests.agreement_data import review
from tests.browser.helpers import login
from tests.factories import make_article, make_user


def test_dashboard_reloads_when_the_report_is_stored(page, live_server):
    alice, bob = make_user("alice"), make_user("bob")
    make_user("carol", "adjudicator")
    agreement.compute_corpus_agreement()
    article = make_article()
    review(article, alice, [(0, 20, "claim", "false")])
    review(article, bob, [(0, 20, "claim", "false")])
    login(page, live_server, "carol")
    page.goto(f"{live_server.url}/agreement/")
    assert page.is_visible("#agreement-computing")
    assert "undefined" not in page.inner_text("main")
    page.screenshot(path="/tmp/agreement-computing.png")
    agreement.compute_corpus_agreement()  # what the enqueued worker task does
    page.wait_for_selector("#agreement-computing", state="detached", timeout=15000)
    assert "1 article, 2 spans" in page.inner_text("main")
    page.screenshot(path="/tmp/agreement-done.png")
