"""The adjudicator's "Edit and accept" form: pre-filled with the reviewer's values (evidence one
URL per line, never template code), saved as a final, and on a failed save shown again with
what was typed and what was wrong. Evidence URLs show as links, http(s) only."""

from __future__ import annotations

import re
from html import unescape

import pytest

from annotations.models import Annotation
from annotations.services.annotating import submit_article
from tests.adjudication_helpers import span

pytestmark = pytest.mark.django_db

EVIDENCE = ["https://example.org/report", "http://example.com/b?x=1&y=2"]


@pytest.fixture
def reviewed(article, alice, bob):
    a = span(alice, article, "Moscow denied the report", "denial", "false", evidence_urls=EVIDENCE)
    span(bob, article, "Moscow denied the report on Monday", "claim", "false")
    submit_article(user=alice, article=article)
    submit_article(user=bob, article=article)
    return a


def _textareas(html: str, name: str) -> list[str]:
    return [
        unescape(m)
        for m in re.findall(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    ]


def test_edit_form_is_prefilled_with_evidence_lines_not_template_code(client, carol, reviewed):
    client.force_login(carol)
    html = client.get(f"/articles/{reviewed.article_id}/adjudicate/").content.decode()
    assert "{{" not in html and "|join" not in html
    assert "\n".join(EVIDENCE) in _textareas(html, "evidence_urls")


def test_edit_and_accept_saves_the_edited_values(client, carol, reviewed):
    client.force_login(carol)
    url = f"/articles/{reviewed.article_id}/adjudicate/"
    html = client.get(url).content.decode()
    evidence = next(t for t in _textareas(html, "evidence_urls") if t)
    response = client.post(
        url,
        {"op": "edit", "based_on": reviewed.pk, "start": reviewed.start, "end": reviewed.end,
         "tag": "denial", "verdict": "half-true", "claimant": "Kremlin", "note": "",
         "evidence_urls": evidence + "\nhttps://example.net/3", "rationale": "Partly right"},
    )  # fmt: skip
    assert response.status_code == 302
    final = Annotation.objects.finals().get(based_on=reviewed)
    assert final.verdict.slug == "half-true"
    assert final.rationale == "Partly right"
    assert final.evidence_urls == [*EVIDENCE, "https://example.net/3"]


def test_failed_save_keeps_the_edits_and_says_what_was_wrong(client, carol, reviewed):
    client.force_login(carol)
    url = f"/articles/{reviewed.article_id}/adjudicate/"
    response = client.post(
        url,
        {"op": "edit", "based_on": reviewed.pk, "start": reviewed.start, "end": reviewed.end,
         "tag": "denial", "verdict": "half-true", "claimant": "Kremlin", "note": "my note",
         "evidence_urls": "not a url", "rationale": "My careful rationale"},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert not Annotation.objects.finals().exists()
    assert "Not saved. Evidence URLs:" in html
    assert "My careful rationale" in _textareas(html, "rationale")
    assert "not a url" in _textareas(html, "evidence_urls")
    assert "my note" in _textareas(html, "note")
    assert re.search(r'<option value="half-true" selected>', html)
    assert '<details class="edit" open>' in html


def test_evidence_urls_show_as_links_only_when_http(client, carol, article, alice, bob):
    span(alice, article, "Moscow denied", "denial", evidence_urls=EVIDENCE)
    span(bob, article, "Moscow denied", "denial")
    submit_article(user=alice, article=article)
    submit_article(user=bob, article=article)
    # Stored before URL validation existed: must not become a link.
    Annotation.objects.filter(reviewer=alice).update(
        evidence_urls=[*EVIDENCE, "javascript:alert(1)"]
    )
    client.force_login(carol)
    html = client.get(f"/articles/{article.pk}/adjudicate/").content.decode()
    assert '<a href="https://example.org/report" rel="noopener noreferrer nofollow"' in html
    assert 'href="http://example.com/b?x=1&amp;y=2"' in html
    assert 'href="javascript:' not in html
    assert '<span class="muted">javascript:alert(1)</span>' in html
