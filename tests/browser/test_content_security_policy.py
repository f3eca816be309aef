"""Under the strict Content-Security-Policy the pages still work and the browser reports no
violation: the annotate and adjudicate pages, Swagger UI (/api/docs/) and ReDoc (/api/redoc/)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.adjudication_helpers import two_reviews
from tests.browser.helpers import login
from tests.factories import make_article, make_user

# Runs before any page script (through the DevTools protocol, so the policy does not apply).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def page(browser: Any) -> Any:
    """A page with the policy enforced (the other browser tests bypass it, see conftest)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=False)
    yield context.new_page()
    context.close()


def wait_until(page: Any, expression: str, timeout: float = 15.0) -> None:
    # page.wait_for_function would need eval in the page, which the policy forbids.
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(50)


@pytest.fixture
def watched(page: Any) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"console": [], "external": []}
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda m: (
            seen["console"].append(m.text)
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
            else None
        ),
    )
    # Nothing may be fetched from another host (the docs used to load a CDN logo).
    page.on(
        "request",
        lambda r: (
            seen["external"].append(r.url)
            if r.url.startswith("http") and "127.0.0.1" not in r.url and "localhost" not in r.url
            else None
        ),
    )
    return seen


def assert_clean(page: Any, watched: dict[str, list[str]]) -> None:
    page.wait_for_timeout(300)  # violations are reported asynchronously
    assert watched["console"] == []
    assert page.evaluate("window.__csp") == []
    assert watched["external"] == []


def test_app_pages_run_without_violations(page, live_server, watched):
    alice = make_user("alice")
    bob = make_user("bob")
    make_user("carol", "adjudicator")
    article = make_article(url="https://news.example/story")
    two_reviews(article, alice, bob)
    other = make_article()

    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/articles/{other.pk}/")
    wait_until(page, "window.__workspaceReady > 0")  # the workspace module ran
    assert page.locator("#article-text").inner_text().strip() != ""
    assert_clean(page, watched)

    page.context.clear_cookies()
    login(page, live_server, "carol")
    page.goto(f"{live_server.url}/articles/{article.pk}/adjudicate/")
    columns = page.locator(".columns").first
    assert columns.locator(".col").count() == 2
    # Two reviewers side by side: the columns come from the stylesheet, not an inline style.
    boxes = [c.bounding_box() for c in columns.locator(".col").all()]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]
    page.locator(".show-item").first.click()
    assert page.locator("#article-text mark.item-hl").count() == 1  # adjudicate.js ran
    assert_clean(page, watched)


def test_swagger_ui_renders_operations_without_violations(page, live_server, watched):
    response = page.goto(f"{live_server.url}/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock", timeout=20000)
    assert page.locator(".opblock").count() > 10
    assert "/api/articles/" in page.inner_text("#swagger-ui")
    assert_clean(page, watched)


def test_redoc_renders_operations_without_violations(page, live_server, watched):
    response = page.goto(f"{live_server.url}/api/redoc/")
    policy = response.headers["content-security-policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    page.wait_for_selector("[data-section-id^='tag/']", timeout=20000)
    assert page.locator("[data-section-id^='operation/']").count() > 10
    assert page.locator("img[alt='redocly logo']").count() == 0
    assert_clean(page, watched)


def test_admin_and_browsable_api_run_without_violations(page, live_server, watched):
    make_user("root", role="admin", is_staff=True, is_superuser=True)
    article = make_article(url="https://news.example/story")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw-root")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    admin_pages = [
        "/admin/annotations/article/",
        f"/admin/annotations/article/{article.pk}/change/",
    ]
    for url in admin_pages:
        page.goto(f"{live_server.url}{url}")
        assert page.locator("#content").count() == 1
    assert page.locator("#id_url").input_value() == "https://news.example/story"
    page.goto(f"{live_server.url}/api/articles/?format=api")
    assert "news.example" in page.content()
    assert_clean(page, watched)
