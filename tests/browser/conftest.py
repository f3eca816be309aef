"""Browser tests: Playwright (sync API) drives Debian's Chromium against the live_server.

Browsers cannot be downloaded here, so Chromium is launched by path; the tests skip with a
clear reason when it is not installed (CI installs it).
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the main thread; the ORM calls the tests make
# there (factories, assertions) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _is_browser_test(item: Any) -> bool:
    return "tests/browser/" in str(item.fspath).replace(os.sep, "/")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Mark (and without Chromium skip) the browser tests, and run them last: each live-server
    test flushes the database, which empties the rows data migrations made for later tests."""
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                reason = "chromium is not installed (apt-get install chromium)"
                item.add_marker(pytest.mark.skip(reason=reason))
    items.sort(key=_is_browser_test)  # stable: keeps the order within each group


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def browser(browser: Any) -> Any:
    """Contexts bypass the Content-Security-Policy unless a test says otherwise.

    Playwright's wait_for_function evaluates its predicate with eval, which the site's policy
    forbids. test_content_security_policy.py opens its contexts with bypass_csp=False and
    checks the pages under the real policy.
    """
    original = browser.new_context

    def new_context(**kwargs: Any) -> Any:
        kwargs.setdefault("bypass_csp", True)
        return original(**kwargs)

    browser.new_context = new_context
    return browser
