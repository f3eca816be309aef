"""After submissions the agreement dashboard never shows the stale "0 articles, undefined"
headline: it says it is computing (and polls), the article task enqueues a corpus report, and
once that is stored the right figures show."""

from __future__ import annotations

import pytest

from annotations import tasks
from annotations.services import agreement
from tests.agreement_data import review

pytestmark = pytest.mark.django_db

SPANS_A = [(0, 20, "claim", "false"), (40, 60, "denial", "true")]
SPANS_B = [(0, 20, "claim", "false"), (42, 60, "denial", "true")]


def _capture(monkeypatch) -> list[dict]:
    calls: list[dict] = []
    monkeypatch.setattr(
        tasks.compute_corpus_agreement,
        "apply_async",
        lambda args=None, kwargs=None, countdown=None: calls.append(
            {"kwargs": kwargs, "countdown": countdown}
        ),
    )
    return calls


def test_headline_says_computing_until_the_corpus_report_is_stored(
    client, carol, alice, bob, article, monkeypatch
):
    calls = _capture(monkeypatch)
    agreement.compute_corpus_agreement()  # the empty report a fresh install shows
    review(article, alice, SPANS_A)
    review(article, bob, SPANS_B)
    client.force_login(carol)

    page = client.get("/agreement/").content.decode()
    assert "0 articles" not in page and "undefined" not in page
    assert "Computing" in page and 'id="agreement-computing"' in page
    assert client.get("/agreement/status.json").json()["computing"] is True

    assert tasks.recompute_article_agreement(article.pk) is True
    assert calls == [{"kwargs": {"force": False}, "countdown": 5}]
    page = client.get("/agreement/").content.decode()
    assert "0 articles" not in page and "Computing" in page  # article done, corpus not yet

    tasks.compute_corpus_agreement(**calls[0]["kwargs"])
    page = client.get("/agreement/").content.decode()
    assert "1 article, 4 spans" in page
    assert 'id="agreement-computing"' not in page
    assert client.get("/agreement/status.json").json()["computing"] is False


def test_no_computing_note_when_nothing_was_submitted(client, carol):
    agreement.compute_corpus_agreement()
    client.force_login(carol)
    page = client.get("/agreement/").content.decode()
    assert 'id="agreement-computing"' not in page


def test_status_is_for_adjudicators(client, alice):
    client.force_login(alice)
    assert client.get("/agreement/status.json").status_code == 403
