"""Hover cards (The Hill's name pop-ups) are cut out of paragraphs, and the cut is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from annotations.models import ImportItem
from annotations.services import imports
from annotations.text.extraction import REASON_HIDDEN, REASON_HOVER_CARD, extract_html

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "text" / "thehill_hovercard.html"


@pytest.fixture(scope="module")
def article():
    return extract_html(FIXTURE.read_bytes())


def test_lead_sentence_reads_as_published(article):
    assert article.text.startswith(
        "Rep. Ilhan Omar (D-Minn.) on Monday called for an independent investigation"
    )
    assert "She was joined by Rep. Rashida Tlaib (D-Mich.), who said" in article.text
    for junk in ("OmarIlhan", "Hillicon Valley", "MORE", "spending bill"):
        assert junk not in article.text


def test_every_cut_card_is_reported_with_its_reason(article):
    cards = [r for r in article.removed if r.reason == REASON_HOVER_CARD]
    assert [r.text for r in cards] == [
        "Ilhan Omar Hillicon Valley: Facebook to remove posts naming alleged whistleblower | "
        "Twitter explains political ad ban MORE",
        "Rashida Tlaib Tlaib says she will vote against the spending bill MORE",
    ]
    assert all(r.line_no == 0 for r in cards)  # cut from inside a paragraph, not a line


def test_hidden_inline_element_is_cut_but_a_hidden_long_block_is_kept():
    body = " ".join(f"Sentence number {i} of the article body goes here." for i in range(40))
    html = (
        "<html><body><article><h1>A headline for the test page</h1>"
        f'<p>Officials said <span style="display: none">tracking pixel label</span>on Monday '
        f"that the talks had ended. {body}</p>"
        f"<div hidden><p>{body} Revealed by a script.</p></div>"
        "</article></body></html>"
    )
    result = extract_html(html)
    assert "tracking pixel label" not in result.text
    assert "Officials said on Monday that the talks had ended." in result.text
    assert [(r.text, r.reason) for r in result.removed if r.line_no == 0] == [
        ("tracking pixel label", REASON_HIDDEN)
    ]


def test_page_without_widgets_is_untouched():
    html = "<html><body><article><p>" + "Plain words here. " * 30 + "</p></article></body></html>"
    assert all(r.line_no != 0 for r in extract_html(html).removed)


@pytest.mark.django_db
def test_source_view_shows_the_cut_and_restoring_lines_keeps_it(client, admin_user):
    job = imports.start_upload_import(
        user=admin_user, files=[("thehill.html", FIXTURE.read_bytes())]
    )
    imports.run_import_job(job_id=job.pk)
    stored = ImportItem.objects.get(job=job).article
    assert "Hillicon Valley" not in stored.text
    client.force_login(admin_user)
    page = client.get(reverse("article-source", args=[stored.pk])).content.decode()
    assert "Hillicon Valley: Facebook to remove posts" in page
    assert REASON_HOVER_CARD.replace("'", "&#x27;") in page
    assert 'value="0"' not in page  # a fragment of a sentence is not offered for restoring
    # Restoring the headline line keeps the record of the cut cards.
    title_line = next(r["line_no"] for r in stored.removed_lines if r["line_no"])
    imports.restore_removed_lines(article_id=stored.pk, line_numbers=[title_line], user=admin_user)
    stored.refresh_from_db()
    assert stored.text.startswith("Omar, Tlaib call for investigation into border facilities")
    assert "Hillicon Valley" not in stored.text
    assert [r["reason"] for r in stored.removed_lines] == [REASON_HOVER_CARD] * 2


def test_a_visible_tooltip_trigger_keeps_its_word():
    body = " ".join(f"Sentence number {i} of the article body goes here." for i in range(30))
    html = (
        "<html><body><article><p>The <span class='tooltip'>GDP"
        "<span role='tooltip'>Gross domestic product, the value of all goods</span></span> "
        f"grew by two percent last year, the office said. {body}</p></article></body></html>"
    )
    result = extract_html(html)
    assert "The GDP grew by two percent last year" in result.text
    assert [(r.text, r.reason) for r in result.removed if r.line_no == 0] == [
        ("Gross domestic product, the value of all goods", REASON_HOVER_CARD)
    ]
