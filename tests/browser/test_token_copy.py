"""The API tokens page: a new key is shown once, with a button that copies it (an ES module,
no inline script)."""

from __future__ import annotations

from tests.browser.helpers import login
from tests.factories import make_user


def test_copy_button_copies_the_new_key(page, live_server):
    make_user("alice")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/settings/tokens/")
    assert page.locator("[onfocus], [onclick], [style]").count() == 0
    page.fill("#token-name", "CMS sync")
    page.click("button:has-text('Create token')")
    page.wait_for_selector("#copy-key:not([hidden])")
    key = page.input_value("#new-key")
    assert len(key) > 20
    page.click("#copy-key")
    page.wait_for_function("document.getElementById('copy-status').textContent !== ''")
    assert page.inner_text("#copy-status") == "Copied to the clipboard."
    assert page.evaluate("navigator.clipboard.readText()") == key
    page.screenshot(path="/tmp/tokens.png", full_page=True)
