"""A recompute split into chunks and computed by worker processes stores exactly the reports
of a serial run (the same figures, inputs and headlines), and clears every stale marker."""

from __future__ import annotations

import random

import pytest

from annotations.models import AgreementReport, StaleAgreement
from annotations.services import agreement
from tests.agreement_data import review
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

VERDICTS = ["false", "mostly-false", "half-true", "mostly-true", "true", None]


def _corpus(n_articles: int) -> list[int]:
    rng = random.Random(7)
    reviewers = [make_user(name) for name in ("ann", "ben", "cat")]
    ids = []
    for _ in range(n_articles):
        article = make_article()
        length = len(article.text)
        for reviewer in reviewers[: rng.choice((2, 3))]:
            spans = []
            for _ in range(rng.randint(0, 5)):
                start = rng.randrange(0, length - 12)
                end = min(length, start + rng.randint(1, 40))
                spans.append((start, end, rng.choice(["claim", "denial"]), rng.choice(VERDICTS)))
            review(article, reviewer, spans)
        ids.append(article.pk)
    return ids


def _stored() -> dict[int, tuple]:
    return {
        r.article_id: (r.inputs, r.stats, r.report, r.headline)
        for r in AgreementReport.objects.articles()
    }


def test_parallel_chunks_store_the_same_reports_as_a_serial_run():
    ids = _corpus(9)
    assert agreement.recompute_stale_articles(workers=1) == 9
    serial = _stored()
    assert sorted(serial) == sorted(ids)

    AgreementReport.objects.all().delete()
    for article_id in ids:
        agreement.mark_article_stale(article_id=article_id)
    # Chunks of 2 on 2 processes: several chunks in flight, stored as they finish.
    assert agreement.recompute_stale_articles(workers=2, chunk=2) == 9
    parallel = _stored()
    assert parallel == serial
    assert not StaleAgreement.objects.exists()
    assert agreement.stale_article_ids() == []


def test_parallel_run_deletes_reports_nobody_backs_any_more(alice, bob):
    ids = _corpus(5)
    agreement.recompute_stale_articles(workers=1)
    gone = AgreementReport.objects.get(article_id=ids[0])
    gone.article.assignments.update(active=False)  # unassigned: the work no longer counts
    AgreementReport.objects.filter(article_id=ids[1]).delete()
    assert agreement.recompute_stale_articles(workers=2, chunk=1) == 2
    assert not AgreementReport.objects.filter(article_id=ids[0]).exists()
    assert AgreementReport.objects.filter(article_id=ids[1]).exists()


def test_without_worker_processes_the_recompute_runs_serially(monkeypatch):
    ids = _corpus(4)

    class Refused:
        def __init__(self, *args, **kwargs):
            raise OSError("fork refused")

    monkeypatch.setattr(agreement, "ProcessPoolExecutor", Refused)
    assert agreement.recompute_stale_articles(workers=2, chunk=1) == 4
    assert sorted(_stored()) == sorted(ids)


def _close(a, b):
    """Equal, floats up to rounding (sums taken in another order)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_close, a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-12, abs=1e-12)
    return a == b


@pytest.mark.django_db(transaction=True)
def test_committed_run_stores_the_serial_reports_and_corpus_sums(monkeypatch, settings):
    """Outside a transaction (as in the periodic job) the workers get no connection, and on
    PostgreSQL a writer thread stores the chunks on its own: same reports, and the corpus
    sums the workers folded equal those of the stored stats."""
    monkeypatch.setattr(agreement, "CHUNK", 2)
    settings.AGREEMENT_WORKERS = 2
    ids = _corpus(7)
    assert agreement.recompute_stale_articles(workers=1) == 7
    serial = _stored()
    AgreementReport.objects.all().delete()
    row = agreement.compute_corpus_agreement()
    assert row.inputs["recomputed_articles"] == 7
    assert _stored() == serial
    assert sorted(serial) == sorted(ids)
    # A run with nothing stale sums the stored stats instead: the same corpus figures.
    again = agreement.compute_corpus_agreement()
    assert again.inputs["recomputed_articles"] == 0
    assert _close(again.report, row.report)
    assert again.report["overall"]["n_spans"] == sum(r[0]["n_spans"] for r in serial.values())
    assert again.inputs["n_articles"] == row.inputs["n_articles"] == 7
