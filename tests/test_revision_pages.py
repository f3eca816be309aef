"""The "Needs attention" page and an article's revisions page."""

from __future__ import annotations

import pytest

from annotations.models import Annotation
from annotations.services.revisions import revise_article
from annotations.text import CleanedText
from tests.factories import make_annotation, make_article
from tests.revision_texts import ARTICLE, KREMLIN_SENTENCE, span

REVISED = ARTICLE.replace("about 11,000 troops", "about 12,000 troops").replace(
    KREMLIN_SENTENCE, "The Kremlin said <script>alert(1)</script> nothing. "
)


@pytest.fixture
def revised(alice, bob):
    article = make_article(ARTICLE, title="Troops & <b>tanks</b>")
    made = {
        (user.username, name): make_annotation(article, user, *span(ARTICLE, name), note=name)
        for user in (alice, bob)
        for name in ("figure", "kremlin", "confirmed")
    }
    revise_article(
        article_id=article.pk, raw=REVISED, raw_format="text", cleaned=CleanedText(text=REVISED)
    )
    article.refresh_from_db()
    return article, {k: Annotation.objects.get(pk=a.pk) for k, a in made.items()}


def test_attention_page_lists_own_fuzzy_and_orphaned_with_old_and_new_quote(client, revised, alice):
    _, notes = revised
    client.force_login(alice)
    page = client.get("/attention/").content.decode()
    assert page.count('<tr id="annotation-') == 2
    figure, kremlin = notes["alice", "figure"], notes["alice", "kremlin"]
    assert f'id="annotation-{figure.pk}"' in page and f'id="annotation-{kremlin.pk}"' in page
    assert f'id="annotation-{notes["bob", "figure"].pk}"' not in page
    # Old quote beside the new candidate, which is marked in its context.
    assert "Pyongyang dispatched about 11,000 troops to the Kursk region</q>" in page
    assert "<mark>Pyongyang dispatched about 12,000 troops to the Kursk region</mark>" in page
    assert "not found in the new text" in page
    assert f"/attention/{figure.pk}/confirm/" in page
    assert f"/attention/{kremlin.pk}/confirm/" not in page  # orphans can only be fixed


def test_adjudicator_sees_everyones_queue(client, revised, carol):
    client.force_login(carol)
    assert client.get("/attention/").content.decode().count('<tr id="annotation-') == 4


def test_confirm_button_resolves_and_empties_the_queue_item(client, revised, alice):
    _, notes = revised
    client.force_login(alice)
    figure = notes["alice", "figure"]
    response = client.post(f"/attention/{figure.pk}/confirm/", follow=True)
    assert response.redirect_chain[-1][0] == "/attention/"
    figure.refresh_from_db()
    assert (figure.anchor_status, figure.needs_attention) == ("moved", False)
    assert f'id="annotation-{figure.pk}"' not in response.content.decode()


def test_fix_page_saves_a_selected_span_and_shows_errors(client, revised, alice):
    article, notes = revised
    client.force_login(alice)
    kremlin = notes["alice", "kremlin"]
    page = client.get(f"/attention/{kremlin.pk}/fix/").content.decode()
    assert 'id="article-text-data"' in page and "anchor_fix.js" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page

    bad = client.post(f"/attention/{kremlin.pk}/fix/", {"start": "x", "end": "3", "quote": "a"})
    assert "start must be a whole number" in bad.content.decode()
    kremlin.refresh_from_db()
    assert kremlin.needs_attention is True

    quote = "The Kremlin said"
    start = article.text.index(quote)
    ok = client.post(
        f"/attention/{kremlin.pk}/fix/",
        {"start": str(start), "end": str(start + len(quote)), "quote": quote},
    )
    assert ok.status_code == 302
    kremlin.refresh_from_db()
    assert (kremlin.quote, kremlin.anchor_status, kremlin.needs_attention) == (
        quote,
        "exact",
        False,
    )


def test_other_reviewers_annotation_is_404_on_attention_pages(client, revised, bob):
    _, notes = revised
    client.force_login(bob)
    pk = notes["alice", "figure"].pk
    assert client.post(f"/attention/{pk}/confirm/").status_code == 404
    assert client.get(f"/attention/{pk}/fix/").status_code == 404


def test_revisions_page_lists_revisions_counts_and_an_escaped_diff(client, revised, alice):
    article, _ = revised
    client.force_login(alice)
    page = client.get(f"/articles/{article.pk}/revisions/").content.decode()
    assert "Troops &amp; &lt;b&gt;tanks&lt;/b&gt;" in page
    assert "2 (current)" in page
    assert "fuzzy 2" in page and "orphaned 2" in page and "exact 2" in page
    assert '<table class="diff"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert 'class="diff_chg"' in page  # the corrected figure is marked inside its line


def test_revisions_page_of_invisible_article_is_404(client, revised, charlie):
    article, _ = revised
    client.force_login(charlie)
    assert client.get(f"/articles/{article.pk}/revisions/").status_code == 404
