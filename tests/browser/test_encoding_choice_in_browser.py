"""An admin sees a doubtful encoding guess and re-imports the article with the right encoding."""

from __future__ import annotations

import os

from annotations.models import Article, ImportItem
from annotations.services import imports
from tests.browser.helpers import login
from tests.factories import make_user

FRENCH = (
    "Selon le ministère, cette réforme coûterait près de trois milliards d'euros à l'État. "
    "Le gouvernement a déjà annoncé qu'il présenterait un projet de loi à la rentrée.\n\n"
    "« Nous verrons », a répondu la ministre, sans préciser le calendrier. Les syndicats ont "
    "dénoncé une mesure qui pèserait d'abord sur les ménages les plus modestes."
)
AMBIGUOUS = (
    "The delegation met at the Château on Monday to discuss the ceasefire proposal. "
    "Officials said the talks were constructive but that no agreement had been reached, "
    "and that a second round would be held next week in the same place."
)
SHOTS = os.environ.get("SCREENSHOT_DIR")


def test_doubtful_guess_is_visible_and_reimport_fixes_the_text(page, live_server):
    admin = make_user("ada", "admin", is_staff=True)
    job = imports.start_upload_import(
        user=admin, files=[("chateau.txt", AMBIGUOUS.encode("latin-1"))]
    )
    imports.run_import_job(job_id=job.pk)
    garbled_raw = FRENCH.encode("latin-1").decode("cp1250")
    garbled = Article.objects.create(
        title="Réforme",
        raw=garbled_raw,
        text=garbled_raw,
        content_hash="x" * 64,
        raw_encoding="cp1250",
        encoding_doubtful=True,
        encoding_decision={
            "method": "detected",
            "reason": "detected cp1250",
            "alternatives": ["cp1252"],
        },
        verdict_scale=ImportItem.objects.get(job=job).article.verdict_scale,
    )
    login(page, live_server, "ada")

    page.goto(f"{live_server.url}/imports/{job.pk}/")
    row = page.locator("tr[data-status=imported]")
    assert "encoding guessed as cp1252, doubtful" in row.inner_text()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/import-doubtful.png", full_page=True)

    page.goto(f"{live_server.url}/articles/{garbled.pk}/source/")
    assert "doubtful" in page.inner_text("#encoding")
    assert "coűterait" in page.inner_text("pre.article-text")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/source-doubtful.png", full_page=True)
    page.select_option("#encoding-select", "cp1252")
    page.click("#encoding button[type=submit]")
    page.wait_for_url(f"{live_server.url}/articles/{garbled.pk}/source/")
    assert "Re-imported with cp1252" in page.inner_text("ul.messages")
    assert "coûterait" in page.inner_text("pre.article-text")
    assert "doubtful" not in page.inner_text("#encoding")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/source-reimported.png", full_page=True)
    garbled.refresh_from_db()
    assert (garbled.text.split(".")[0], garbled.revision) == (FRENCH.split(".")[0], 2)
