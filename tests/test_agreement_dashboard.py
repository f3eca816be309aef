"""The agreement dashboard: adjudicators and admins only; shows stored figures with counts,
undefined figures with their reason in words; recompute only enqueues; CSV download."""

from __future__ import annotations

import csv
import io

import pytest

from annotations import tasks
from annotations.services import agreement
from tests.agreement_data import review
from tests.factories import make_article

pytestmark = pytest.mark.django_db

SPANS_A = [(0, 20, "claim", "false"), (40, 60, "denial", "true")]
SPANS_B = [(0, 20, "claim", "false"), (42, 60, "denial", "mostly-true")]


@pytest.fixture
def reviewed(alice, bob):
    good = make_article(source="Wire A", title="Well agreed")
    review(good, alice, SPANS_A)
    review(good, bob, SPANS_B)
    lonely = make_article(source="=cmd|' /C calc'!A0", title="Only one reviewer")
    review(lonely, alice, SPANS_A)
    agreement.compute_corpus_agreement()
    return good, lonely


def test_reviewers_and_outsiders_are_refused(client, alice, charlie):
    for user in (alice, charlie):
        client.force_login(user)
        assert client.get("/agreement/").status_code == 403
        assert client.get("/agreement/export.csv").status_code == 403
        assert client.post("/agreement/recompute/").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/agreement/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_empty_dashboard_renders(client, carol):
    client.force_login(carol)
    page = client.get("/agreement/").content.decode()
    assert "No corpus report yet" in page
    assert "No corpus reports yet." in page


def test_dashboard_shows_figures_counts_and_undefined_reasons(client, carol, reviewed):
    good, lonely = reviewed
    client.force_login(carol)
    page = client.get("/agreement/").content.decode()
    assert "Span F1 (overlap)" in page
    assert "2 articles, 6 spans" in page
    # identical verdict pairs (false/false) and true/mostly-true: alpha defined and shown
    assert "undefined — no ordered verdict scale" not in page
    assert "<svg" in page and "n=" in page  # heatmap and bars carry their numbers
    assert f'href="/articles/{good.pk}/"' in page
    assert f'href="/articles/{lonely.pk}/"' in page
    assert "undefined — no pairs" in page  # the single-reviewer article in the lowest list
    assert "Confusion matrices" in page
    assert "Agreement</a>" in page  # nav link for adjudicators


def test_all_undefined_figures_render_in_words(client, carol, alice):
    art = make_article()
    review(art, alice, SPANS_A)  # a single reviewer: everything is undefined
    agreement.compute_corpus_agreement()
    client.force_login(carol)
    page = client.get("/agreement/").content.decode()
    assert page.count("undefined — ") >= 7
    assert "nan" not in page.lower().replace("nanum", "")


def test_filter_by_source(client, carol, reviewed):
    client.force_login(carol)
    page = client.get("/agreement/", {"source": "Wire A"}).content.decode()
    assert "1 article, 4 spans" in page
    assert "Only one reviewer" not in page
    missing = client.get("/agreement/", {"source": "Nowhere"}).content.decode()
    assert "No reviewed articles for source" in missing


def test_recompute_now_enqueues_and_says_so(client, carol, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.compute_corpus_agreement, "delay", lambda **kw: sent.append(kw))
    client.force_login(carol)
    assert client.get("/agreement/recompute/").status_code == 405
    response = client.post("/agreement/recompute/", follow=True)
    assert sent == [{"force": True}]
    assert "recompute queued" in response.content.decode()


def test_recompute_requires_csrf(carol):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    assert client.post("/agreement/recompute/").status_code == 403


def test_csv_has_one_row_per_article_with_reasons(client, admin_user, reviewed):
    good, lonely = reviewed
    client.force_login(admin_user)
    response = client.get("/agreement/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_id = {int(r["article_id"]): r for r in rows}
    assert set(by_id) == {good.pk, lonely.pk}
    assert float(by_id[good.pk]["span_f1_overlap"]) == 1.0
    assert float(by_id[good.pk]["span_f1_exact"]) == 0.5
    assert by_id[lonely.pk]["span_f1_overlap"] == ""
    assert "span_f1_overlap: no pairs" in by_id[lonely.pk]["undefined"]
    assert by_id[lonely.pk]["source"].startswith("'=")  # no spreadsheet formula
    only_a = client.get("/agreement/export.csv", {"source": "Wire A"})
    assert len(list(csv.reader(io.StringIO(b"".join(only_a.streaming_content).decode())))) == 2
