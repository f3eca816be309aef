"""The import page in a real browser: the no-worker warning, then live progress and results."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from annotations.models import Article, ImportJob
from annotations.services import imports
from tests.httpserver import paragraphs_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        shutil.which("chromium") is None, reason="Debian's chromium is not installed"
    ),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_page_warns_without_worker_then_shows_results_live(
    live_server, admin_user, tmp_path, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; our ORM calls here are sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    files = [("good.txt", "\n\n".join(paragraphs_for(700)).encode()), ("bad.txt", b"short")]
    job = imports.start_upload_import(user=admin_user, files=files)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    client = Client()
    client.force_login(admin_user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        context = browser.new_context()
        context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": session,
              "url": live_server.url}]
        )  # fmt: skip
        page = context.new_page()
        page.goto(f"{live_server.url}/imports/{job.pk}/")
        warning = page.locator(".no-worker")
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("celery -A factcheck worker")
        page.screenshot(path=str(tmp_path / "queued.png"))

        imports.run_import_job(job_id=job.pk)  # as a worker would, while the page polls
        expect(page.locator('[data-field="status_display"]')).to_have_text("Partly failed")
        expect(warning).to_be_hidden()
        expect(page.locator("progress")).to_have_attribute("value", "100")
        article = Article.objects.get()
        expect(page.locator('tr[data-status="imported"] a')).to_have_text(f"article {article.pk}")
        expect(page.locator('tr[data-status="failed"]')).to_contain_text("too short")
        page.screenshot(path=str(django_settings.BASE_DIR / "test-artifacts" / "import-page.png"))

        page.goto(f"{live_server.url}/imports/")
        expect(page.locator("tr.job")).to_have_count(1)
        expect(page.locator("tr.job [data-field=imported]")).to_have_text("1")
        page.screenshot(path=str(django_settings.BASE_DIR / "test-artifacts" / "imports.png"))

        page.goto(f"{live_server.url}/imports/{job.pk}/")
        page.locator('tr[data-status="imported"] a').click()
        expect(page.locator("#removed-lines h2")).to_contain_text("Lines removed by cleaning")
        page.screenshot(
            path=str(django_settings.BASE_DIR / "test-artifacts" / "article-source.png"),
            full_page=True,
        )
        browser.close()


def test_an_imported_item_shows_the_spans_it_left_out(live_server, admin_user, monkeypatch):
    import json

    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    text = "\n\n".join(paragraphs_for(710))
    record = {"text": text, "label": [[0, 6, "CLAIM"], [0, 6, "<b>PERSON</b>"]]}
    job = imports.start_upload_import(
        user=admin_user, files=[("pre.jsonl", json.dumps(record).encode())]
    )
    imports.run_import_job(job_id=job.pk)
    client = Client()
    client.force_login(admin_user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        context = browser.new_context()
        context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": session,
              "url": live_server.url}]
        )  # fmt: skip
        page = context.new_page()
        page.goto(f"{live_server.url}/imports/{job.pk}/")
        row = page.locator('tr[data-status="imported"]')
        expect(row.locator(".muted")).to_contain_text("span 2: unknown label '<b>PERSON</b>'")
        expect(row.locator("b")).to_have_count(0)  # shown as text, never as markup
        page.screenshot(
            path=str(django_settings.BASE_DIR / "test-artifacts" / "import-spans-note.png")
        )
        browser.close()
