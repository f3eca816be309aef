"""The whole journey in a browser: assign with overlap 2, blind review, adjudication,
publication, a REST client reading the verdicts and ClaimReview, and the history of it all.

Runs with the workspace's browser harness (tests/browser/conftest.py: Chromium by path,
presets restored, browser tests last) and its reviewer steps (tests/browser/helpers.py).
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from annotations.models import Annotation, Article, ArticleStatus, Assignment, AssignmentStatus
from tests.factories import make_article, make_user

helpers = pytest.importorskip(
    "tests.browser.helpers",
    reason="needs the reviewer workspace (branch `workspace`: tests/browser/helpers.py)",
)

SHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"journey-{name}.png"), full_page=True)


def annotate(page: Any, phrase: str, key: str, verdict: str) -> None:
    """Select a phrase with the mouse, tag it by key (1 claim, 2 denial, 3 estimate), save."""
    before = helpers.saved_count(page)
    helpers.select_with_mouse(page, phrase)
    page.keyboard.press(key)
    page.select_option("#pop-verdict", verdict)
    page.click("#pop-save")
    helpers.wait_saved(page, before)


def submit(page: Any) -> None:
    page.click("#submit-open")
    page.click("#submit-confirm")
    page.wait_for_selector("#my-status.chip-submitted")


def rest_get(url: str, key: str) -> Any:
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {key}", "Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def revised_import_keeps_annotations(page: Any, live_server: Any, article: Article) -> None:
    """The text-revisions step: a corrected text keeps every annotation (reviews and finals)
    anchored or visibly orphaned, on the "Needs attention" page and in the history."""
    from annotations.models import ImportItem, ItemStatus
    from annotations.services import imports

    before = {a.pk: a for a in Annotation.objects.filter(article=article)}
    new_text = "Updated with the agency's corrected figure.\n\n" + article.text.replace(
        "about 11,000 troops", "about 12,000 troops"
    )
    # The corrected version arrives as an ordinary import with the article's URL; the job's
    # own code runs here, in-process (the worker path is tests/test_revision_import.py).
    Article.objects.filter(pk=article.pk).update(url="https://wire.example/kursk-troops")
    admin = Assignment.objects.filter(article=article).first().assigned_by
    record = {"text": new_text, "url": "https://wire.example/kursk-troops"}
    job = imports.start_upload_import(
        user=admin, files=[("correction.jsonl", (json.dumps(record) + "\n").encode())]
    )
    imports.run_import_job(job_id=job.pk)
    item = ImportItem.objects.filter(job=job).exclude(status="expanded").get()
    assert (item.status, item.article_id) == (ItemStatus.REVISED, article.pk)
    article.refresh_from_db()
    assert article.revision == 2
    new_text = article.text
    after = {a.pk: a for a in Annotation.objects.filter(article=article)}
    assert after.keys() == before.keys()
    for annotation in after.values():
        if annotation.anchor_status != "orphaned":
            assert new_text[annotation.start : annotation.end] == annotation.quote
    queued = {a.pk for a in after.values() if a.needs_attention and a.reviewer.username == "alice"}
    assert queued  # her corrected figure is fuzzy
    page.goto(f"{live_server.url}/attention/")
    shown = page.eval_on_selector_all("tr[id^=annotation-]", "els => els.map(e => e.id)")
    assert sorted(shown) == sorted(f"annotation-{pk}" for pk in queued)
    shot(page, "5-attention")
    page.click(f"#annotation-{min(queued)} button:text('Confirm')")
    page.wait_for_selector(".messages")
    page.goto(f"{live_server.url}/articles/{article.pk}/history/")
    actions = page.eval_on_selector_all("li.event", "els => els.map(e => e.dataset.action)")
    assert "article.revise" in actions and "annotation.reanchor" in actions
    assert actions[-1] == "annotation.anchor_confirm"


def test_assign_review_adjudicate_publish_and_read_back(browser, live_server):
    make_user("ada", "admin", is_staff=True)
    make_user("alice")
    make_user("bob")
    make_user("carol", "adjudicator")
    first, second = make_article(title="Troops in Kursk"), make_article(title="Second wire")
    url = live_server.url

    # 1. The admin assigns both articles to both reviewers (overlap 2).
    admin = browser.new_context()
    page = admin.new_page()
    helpers.login(page, live_server, "ada")
    page.goto(f"{url}/assign/")
    page.check("#select-all")
    page.fill("#overlap", "2")
    page.click("#assign-submit")
    page.wait_for_selector(".messages")
    assert "Created 4 assignments on 2 articles: alice 2, bob 2." in page.inner_text(".messages")
    shot(page, "1-assign")
    admin.close()
    assert Assignment.objects.filter(active=True).count() == 4

    # 2. Alice annotates and submits; 3. Bob, blind, annotates differently and submits.
    reviewer = browser.new_context()
    page = reviewer.new_page()
    helpers.login(page, live_server, "alice")
    helpers.open_article(page, live_server, first)
    annotate(page, "about 11,000 troops", "3", "mostly-true")
    annotate(page, "Moscow denied the report", "2", "false")
    submit(page)
    reviewer.close()

    reviewer = browser.new_context()
    page = reviewer.new_page()
    helpers.login(page, live_server, "bob")
    helpers.open_article(page, live_server, first)
    assert page.locator("#article-text mark").count() == 0  # blind: none of Alice's spans
    annotate(page, "about 11,000 troops", "3", "mostly-true")
    annotate(page, "Moscow denied the report on Monday", "1", "mostly-false")
    submit(page)
    reviewer.close()
    assert set(Assignment.objects.filter(article=first).values_list("status", flat=True)) == {
        AssignmentStatus.SUBMITTED
    }
    first.refresh_from_db()
    assert first.status == ArticleStatus.REVIEWED

    # 4. The adjudicator settles the conflict, accepts the agreement, publishes.
    adjudicator = browser.new_context()
    page = adjudicator.new_page()
    helpers.login(page, live_server, "carol")
    page.goto(f"{url}/adjudicate/")
    page.click(f"#adjudication-list tr[data-article='{first.pk}'] a")
    page.wait_for_function("window.__adjudicateReady === true")
    items = page.locator("section.item[data-key]")
    assert items.count() == 2
    conflict = items.nth(0)
    assert conflict.locator(".badge-boundaries").count() == 1
    assert conflict.locator(".badge-tag").count() == 1
    assert conflict.locator(".badge-verdict").count() == 1
    assert items.nth(1).locator(".badge-agreed").count() == 1
    shot(page, "2-adjudicate")
    page.click("#accept-agreed")
    page.wait_for_selector(".messages")
    alice_col = page.locator("section.item.item-conflict .col[data-reviewer='alice']")
    alice_col.locator("input[name=rationale]").fill("The ministry denied it; Monday is context.")
    alice_col.locator("button.accept").click()
    page.wait_for_selector("#open-count:text('0')")
    page.click("#publish")
    page.wait_for_selector("#article-status:text('Published')")
    shot(page, "3-published")

    finals = list(Annotation.objects.alive().finals().filter(article=first).order_by("start"))
    assert [(f.quote, f.tag, f.verdict.slug) for f in finals] == [
        ("about 11,000 troops", "estimate", "mostly-true"),
        ("Moscow denied the report", "denial", "false"),
    ]

    # 5. A REST client with a read-only token receives the final verdicts and ClaimReview.
    page.goto(f"{url}/settings/tokens/")
    page.fill("#token-name", "newsroom CMS")
    page.check("input[name=scope][value=read]")
    page.click(".token-form button[type=submit]")
    key = page.input_value("#new-key")
    body = rest_get(f"{url}/api/verdicts/?published=true", key)
    rows = body["results"] if isinstance(body, dict) else body
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {f.pk for f in finals}
    denied = by_id[finals[1].pk]
    assert denied["final_verdict"]["verdict"]["slug"] == "false"
    assert denied["final_verdict"]["adjudicator"] == "carol"
    assert sorted(r["reviewer"] for r in denied["reviewer_verdicts"]) == ["alice", "bob"]
    review = rest_get(f"{url}/api/verdicts/{finals[1].pk}/claimreview/", key)
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "Moscow denied the report"

    # 6. The history shows every step, in order, with who and from where.
    page.goto(f"{url}/articles/{first.pk}/history/")
    actions = page.eval_on_selector_all("li.event", "els => els.map(e => e.dataset.action)")
    shot(page, "4-history")
    assert actions == [
        "assignment.create",
        "assignment.create",
        "annotation.create",
        "annotation.create",
        "assignment.submit",
        "annotation.create",
        "annotation.create",
        "assignment.submit",
        "final.create",
        "final.create",
        "article.adjudicate",
        "article.publish",
    ]
    assert "The ministry denied it" in page.inner_text("#timeline")

    # 7. Alice sees the outcome of the article she submitted.
    adjudicator.close()
    reviewer = browser.new_context()
    page = reviewer.new_page()
    helpers.login(page, live_server, "alice")
    page.goto(f"{url}/articles/{first.pk}/outcome/")
    assert page.locator("#outcome tr.same").count() == 2

    # 8. A revised import keeps every annotation anchored or visibly orphaned.
    revised_import_keeps_annotations(page, live_server, first)
    reviewer.close()
    assert second.assignments.filter(active=True).count() == 2
