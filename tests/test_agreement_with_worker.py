"""Two reviewers submit an article; a real Celery worker computes its agreement report, and
the corpus task stores a corpus report."""

from __future__ import annotations

import pytest

from annotations.models import AgreementReport
from annotations.tasks import compute_corpus_agreement
from factcheck.celery import app as celery_app
from tests.agreement_data import review
from tests.factories import make_article, make_user
from tests.worker import running_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_computes_article_and_corpus_agreement():
    alice = make_user("alice", "reviewer")
    bob = make_user("bob", "reviewer")
    article = make_article()
    # Earlier tests of this run may have left messages (imports, submissions) in the run's
    # queue; the worker would work through them first and this test would time out.
    celery_app.control.purge()
    with running_worker() as worker:
        review(article, alice, [(0, 20, "claim", "false"), (40, 60, "denial", "true")])
        review(article, bob, [(0, 20, "claim", "false"), (42, 60, "denial", "true")])
        report = wait_for(
            lambda: AgreementReport.objects.filter(
                article=article, inputs__reviewers=["alice", "bob"]
            ).first(),
            timeout=120,
            what=f"the article report; worker log:\n{worker.log}",
        )
        assert report.headline == 1.0
        assert report.report["verdicts"]["alpha_nominal"]["value"] == 1.0
        compute_corpus_agreement.delay()
        corpus = wait_for(
            lambda: AgreementReport.objects.corpus().first(), timeout=120, what="corpus report"
        )
    assert corpus.report["overall"]["n_articles"] == 1
    assert corpus.inputs["recomputed_articles"] == 0
