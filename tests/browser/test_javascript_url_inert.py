"""A JSONL line with a javascript: URL is refused at import and never becomes a clickable link."""

from __future__ import annotations

import json

from annotations.models import Article, ImportJob
from annotations.services import imports
from tests.browser.helpers import login
from tests.factories import make_user
from tests.httpserver import paragraphs_for

EVIL_URL = "javascript:alert('X')//"
NO_SCRIPT_LINKS = "a[href^='javascript:' i], a[href^='data:' i], a[href^='vbscript:' i]"


def test_jsonl_javascript_url_is_refused_and_never_linked(page, live_server, tmp_path):
    make_user("ada", "admin", is_staff=True)
    make_user("alice")
    lines = [
        {"url": EVIL_URL, "title": "Evil original", "text": "\n\n".join(paragraphs_for(1))},
        {"url": "https://news.example/fine", "title": "Fine original",
         "text": "\n\n".join(paragraphs_for(2))},
    ]  # fmt: skip
    upload = tmp_path / "evil.jsonl"
    upload.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    login(page, live_server, "ada")
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#files", str(upload))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/imports/*/")
    job = ImportJob.objects.get()
    imports.run_import_job(job_id=job.pk)  # in-process: this test needs no worker
    page.reload()
    results = page.inner_text("table.items")
    assert 'the "url" field is not an http:// or https:// URL (javascript:)' in results
    assert page.locator(NO_SCRIPT_LINKS).count() == 0

    # Only the good line became an article, and its "Original" link is the http one.
    assert list(Article.objects.values_list("title", "url")) == [
        ("Fine original", "https://news.example/fine")
    ]
    fine = Article.objects.get()
    page.goto(f"{live_server.url}/articles/{fine.pk}/source/")
    assert page.locator("a[href='https://news.example/fine']").count() == 1
    assert page.locator(NO_SCRIPT_LINKS).count() == 0
    page.context.clear_cookies()
    login(page, live_server, "alice")
    assert page.locator(NO_SCRIPT_LINKS).count() == 0
    page.goto(f"{live_server.url}/articles/{fine.pk}/")
    page.wait_for_function("window.__workspaceReady > 0")
    original = page.get_by_role("link", name="Original")
    assert original.get_attribute("href") == "https://news.example/fine"
    assert page.locator(NO_SCRIPT_LINKS).count() == 0
    assert dialogs == []
