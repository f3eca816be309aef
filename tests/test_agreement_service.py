"""Agreement reports computed from the database: only submitted work counts; edge cases are
reported as undefined with a reason, never NaN; the corpus sums stored article statistics."""

from __future__ import annotations

import json

import pytest

from annotations.agreement import article_report
from annotations.models import AgreementReport
from annotations.services import agreement
from tests.agreement_data import review
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

SPANS_A = [(0, 20, "claim", "false"), (40, 60, "denial", "true")]
SPANS_B = [(0, 20, "claim", "false"), (42, 60, "denial", "mostly-true")]


def test_two_reviewers_report_matches_the_library(article, alice, bob):
    review(article, alice, SPANS_A)
    review(article, bob, SPANS_B)
    row = agreement.compute_article_agreement(article_id=article.pk)
    expected = article_report(
        [("alice", *s) for s in SPANS_A] + [("bob", *s) for s in SPANS_B],
        len(article.text),
        scale=[
            {"slug": lab.slug, "ordinal": lab.ordinal, "is_rateable": lab.is_rateable}
            for lab in article.verdict_scale.labels.all()
        ],
        reviewers=["alice", "bob"],
        article=article.pk,
    )
    assert row.stats == json.loads(json.dumps(expected.pop("stats")))
    assert row.report == json.loads(json.dumps(expected))
    assert row.headline == 1.0  # overlap F1: both spans of each reviewer overlap, same tags
    assert row.report["spans"]["mean_over_pairs"]["exact"]["f1"]["value"] == 0.5
    assert row.inputs["reviewers"] == ["alice", "bob"]
    assert row.inputs["n_spans"] == 4


def test_drafts_and_unsubmitted_reviewers_do_not_count(article, alice, bob):
    review(article, alice, SPANS_A)
    review(article, bob, SPANS_B, submit=False)
    row = agreement.compute_article_agreement(article_id=article.pk)
    assert row.inputs["reviewers"] == ["alice"]
    assert row.inputs["n_spans"] == 2


def test_nobody_submitted_means_no_report(article, alice):
    review(article, alice, SPANS_A, submit=False)
    assert agreement.compute_article_agreement(article_id=article.pk) is None
    assert not AgreementReport.objects.exists()


@pytest.mark.parametrize(
    ("spans_a", "spans_b", "reason_in"),
    [
        ([], [], "no pairs"),  # nobody marked anything
        (SPANS_A, None, "no pairs"),  # a single reviewer
        ([(0, 20, "claim", "false")], [(0, 20, "claim", "false")], "one value"),  # identical
    ],
    ids=["no-spans", "single-reviewer", "identical-one-category"],
)
def test_edge_cases_are_undefined_with_a_reason(article, alice, bob, spans_a, spans_b, reason_in):
    review(article, alice, spans_a)
    if spans_b is not None:
        review(article, bob, spans_b)
    row = agreement.compute_article_agreement(article_id=article.pk)
    json.dumps(row.report, allow_nan=False)
    json.dumps(row.stats, allow_nan=False)
    alpha = row.report["verdicts"]["alpha_nominal"]
    assert alpha["value"] is None
    assert alpha["undefined_reason"]
    if spans_b is not None and spans_a:
        # identical work: span F1 is 1 but alpha is undefined (one category only)
        assert row.headline == 1.0
        assert "one" in alpha["undefined_reason"]
    else:
        assert row.headline is None
        assert row.report["spans"]["mean_over_pairs"]["overlap"]["f1"]["undefined_reason"]


def test_corpus_groups_by_source_and_import_job(alice, bob):
    a1 = make_article(source="Wire A")
    a2 = make_article(source="Wire B")
    for art in (a1, a2):
        review(art, alice, SPANS_A)
        review(art, bob, SPANS_B)
    row = agreement.compute_corpus_agreement()
    assert row.scope == "corpus"
    assert row.inputs["n_articles"] == 2
    assert row.inputs["recomputed_articles"] == 2
    assert set(row.report["by_source"]) == {"Wire A", "Wire B"}
    assert row.report["by_import_job"].keys() == {"none"}
    overall = row.report["overall"]
    assert overall["n_articles"] == 2
    assert overall["n_spans"] == 8
    assert [(p["a"], p["b"]) for p in overall["spans"]["pairs"]] == [("alice", "bob")]
    assert set(overall["spans"]["by_tag"]) == {"claim", "denial"}
    assert row.report["by_source"]["Wire A"]["n_articles"] == 1
    json.dumps(row.report, allow_nan=False)


def test_corpus_recomputes_only_stale_articles(alice, bob):
    a1, a2 = make_article(), make_article()
    for art in (a1, a2):
        review(art, alice, SPANS_A)
        review(art, bob, SPANS_B)
    agreement.compute_corpus_agreement()
    assert agreement.stale_article_ids() == []
    carl = make_user("carl", "reviewer")
    review(a2, carl, SPANS_A)
    assert agreement.stale_article_ids() == [a2.pk]
    row = agreement.compute_corpus_agreement()
    assert row.inputs["recomputed_articles"] == 1
    assert AgreementReport.objects.get(article=a2).inputs["reviewers"] == ["alice", "bob", "carl"]


def test_periodic_run_skips_when_nothing_changed(article, alice, bob):
    review(article, alice, SPANS_A)
    review(article, bob, SPANS_B)
    assert agreement.compute_corpus_agreement(force=False) is not None
    assert agreement.compute_corpus_agreement(force=False) is None
    assert agreement.compute_corpus_agreement(force=True) is not None
    assert AgreementReport.objects.corpus().count() == 2


def test_corpus_history_is_trimmed(article, alice, bob, monkeypatch):
    monkeypatch.setattr(agreement, "CORPUS_HISTORY", 3)
    review(article, alice, SPANS_A)
    rows = [agreement.compute_corpus_agreement() for _ in range(5)]
    kept = list(AgreementReport.objects.corpus().order_by("computed_at", "pk"))
    assert [r.pk for r in kept] == [r.pk for r in rows[-3:]]


def test_group_sums_equal_direct_sums(alice, bob):
    """Summing (source, job) cells gives the same figures as adding every article."""
    from annotations.agreement import CorpusAggregate

    arts = [make_article(source=s) for s in ("A", "A", "B")]
    for i, art in enumerate(arts):
        review(art, alice, SPANS_A)
        review(art, bob, SPANS_B[: i + 1])
    row = agreement.compute_corpus_agreement()
    direct = CorpusAggregate()
    for r in AgreementReport.objects.articles():
        direct.add(r.stats)
    assert row.report["overall"] == json.loads(
        json.dumps(direct.report(scale=agreement.corpus_scale()))
    )
