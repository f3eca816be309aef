"""The claims journey in a real browser, on the five seeds imported through the real pipeline.

A reviewer sees suggested claims and the claim groups without annotating, accepts a
suggestion with one key (a normal annotation), finds the troop-figure conflict; an
adjudicator publishes one verdict for the group and its ClaimReview lists every appearance.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from claims.models import Claim, ClaimAppearance, Suggestion
from tests.browser.helpers import login, open_article
from tests.claims_seeds import import_seeds_and_match
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)
# Screenshots go to var/screenshots (untracked); SCREENSHOTS_DIR=docs/screenshots retakes
# the ones the docs show.
SHOTS = Path(
    os.environ.get("SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "var" / "screenshots"
)


@pytest.fixture(autouse=True)
def _lexical_only(settings):
    settings.CLAIMS_EMBEDDINGS = "off"


def test_claims_journey(page, live_server):
    make_user("alice", "reviewer")
    make_user("carol", "adjudicator")
    articles = import_seeds_and_match()
    article = next(a for a in articles if "roughly 11,000 troops" in a.text)
    counts = ClaimAppearance.objects.get(quote__contains="roughly 11,000 troops").claim

    # A reviewer, without annotating anything, sees suggestions and the groups in every article.
    login(page, live_server, "alice")
    for other in articles:
        open_article(page, live_server, other)
        expect(page.locator("#sugg-list .sugg-open").first).to_be_visible()
    open_article(page, live_server, article)
    panel = page.locator("#claims-panel")
    expect(panel.get_by_text("This claim also appears in").first).to_be_visible()
    expect(panel.locator(".conflict").filter(has_text="12,000").first).to_be_visible()
    assert not Annotation.objects.exists()

    # One key accepts a suggestion: it becomes Alice's own annotation in the workspace.
    first = page.locator("#sugg-list .sugg-open").first
    suggestion = Suggestion.objects.get(pk=int(first.get_attribute("data-id")))
    first.focus()
    page.keyboard.press("y")
    page.wait_for_function("window.__workspaceReady > 0")
    expect(page.locator("#ann-count")).to_have_text("1")
    annotation = Annotation.objects.get()
    assert (annotation.reviewer.username, annotation.kind, annotation.quote) == (
        "alice",
        "review",
        suggestion.quote,
    )
    expect(page.locator(f'.sugg[data-id="{suggestion.pk}"] .sugg-state')).to_have_text("accepted")
    page.screenshot(path=str(SHOTS / "claims-annotate.png"), full_page=False)

    # The conflicts page shows both sources of the troop figures.
    page.goto(f"{live_server.url}/claims/conflicts/")
    conflict = page.locator(".conflict-pair").filter(has_text="11,000").filter(has_text="12,000")
    expect(conflict.first).to_be_visible()
    expect(conflict.first.locator("blockquote")).to_have_count(2)

    # The adjudicator publishes one verdict for the claim group.
    page.context.clear_cookies()
    login(page, live_server, "carol")
    page.goto(f"{live_server.url}/claims/")
    page.locator(f'a[href="/claims/{counts.pk}/"]').click()
    expect(page.locator("#appearances .appearance")).to_have_count(counts.appearances.count())
    page.select_option("#claim-verdict-select", "half-true")
    page.fill("textarea[name=rationale]", "Estimates range from 11,000 to 12,000.")
    page.click("#publish-claim")
    expect(page.locator("#claim-verdict")).to_contain_text("Half true")
    page.screenshot(path=str(SHOTS / "claims-claim.png"), full_page=True)
    assert Claim.objects.get(pk=counts.pk).verdict.slug == "half-true"

    review = page.request.get(f"{live_server.url}/api/claims/{counts.pk}/claimreview/").json()
    articles_in_group = set(counts.appearances.values_list("article_id", flat=True))
    assert len(review["itemReviewed"]["appearance"]) == len(articles_in_group) >= 2
    assert review["reviewRating"]["alternateName"] == "Half true"
