"""The import pages in a browser: a near-duplicate re-upload offers "Revise article N with this
text" and the button makes the revision; failed jobs are marked in the list."""

from __future__ import annotations

from annotations.models import Article, ItemStatus
from annotations.services import imports
from tests.browser.helpers import login
from tests.factories import make_user
from tests.httpserver import paragraphs_for

ORIGINAL = "Original headline here\n\n" + "\n\n".join(paragraphs_for(1) + paragraphs_for(101))
CORRECTED = ORIGINAL.replace("denied the report", "strongly rejected the report", 1)


def _run(user, files):
    job = imports.start_upload_import(user=user, files=files, source="Desk")
    imports.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_revise_button_and_failed_bar(page, live_server):
    ada = make_user("ada", "admin", is_staff=True)
    first = _run(ada, [("seed.txt", ORIGINAL.encode())])
    original = first.items.get().article
    second = _run(ada, [("seed-fixed.txt", CORRECTED.encode())])
    failed = _run(ada, [("empty.txt", b"  ")])
    login(page, live_server, "ada")
    page.goto(f"{live_server.url}/imports/")
    bar = page.locator(f"tr.job:has(a[href='/imports/{failed.pk}/']) progress")
    assert bar.get_attribute("data-status") == "failed"
    page.screenshot(path="/tmp/imports-list.png")
    page.goto(f"{live_server.url}/imports/{second.pk}/")
    button = page.locator(f"button:has-text('Revise article {original.pk} with this text')")
    page.screenshot(path="/tmp/import-near-dup.png")
    button.click()
    page.wait_for_selector("tr[data-status='revised']")
    assert f"article {original.pk}" in page.inner_text("tr[data-status='revised']")
    assert "now at revision 2" in page.inner_text(".messages")
    page.screenshot(path="/tmp/import-revised.png")
    original.refresh_from_db()
    assert original.revision == 2
    assert second.items.get().status == ItemStatus.REVISED
    assert Article.objects.count() == 1
