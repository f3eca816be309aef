"""A reviewer sets the claimant's type in the popover; the same name later gets it back,
shown in the popover (not guessed), and the stored type drives the ClaimReview author."""

from __future__ import annotations

from annotations.models import Annotation
from tests.browser.helpers import login, open_article, saved_count, select_with_mouse, wait_saved
from tests.factories import make_article, make_user


def test_claimant_type_is_set_and_remembered_for_the_same_name(page, live_server):
    make_user("alice")
    article = make_article()
    login(page, live_server, "alice")
    open_article(page, live_server, article)

    select_with_mouse(page, "sent about 11,000 troops")
    assert page.input_value("#pop-claimant-type") == ""
    before = saved_count(page)
    page.keyboard.press("1")
    page.fill("#pop-claimant", "KCNA")
    page.select_option("#pop-claimant-type", "organization")
    page.click("#pop-save")
    wait_saved(page, before)
    assert Annotation.objects.get().claimant_type == "organization"

    select_with_mouse(page, "Moscow denied")
    before = saved_count(page)
    page.keyboard.press("2")
    page.fill("#pop-claimant", "kcna")
    # Shown before saving, with a note saying where it came from.
    assert page.input_value("#pop-claimant-type") == "organization"
    assert "marked before" in page.inner_text("#pop-claimant-type-hint")
    page.fill("#pop-claimant", "Kim Jong Un")
    assert page.input_value("#pop-claimant-type") == ""  # an unknown name stays unknown
    page.click("#pop-save")
    wait_saved(page, before)
    second = Annotation.objects.get(quote="Moscow denied")
    assert (second.claimant, second.claimant_type) == ("Kim Jong Un", "")
