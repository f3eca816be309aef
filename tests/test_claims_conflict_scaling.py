"""Placing reviewer spans in claim groups stays cheap as the groups grow.

Conflict detection compares only the pairs with an appearance that is new or changed, reads
what is stored once per batch and writes the new conflicts in one statement; the drain reads
what every span of a batch needs once. Before, every span re-compared every pair of its group
with a query per conflicting pair (119 ms of worker time per span on 20 articles x 25 spans).
"""

from __future__ import annotations

import random
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Annotation
from annotations.services.annotating import create_annotation
from claims.models import (
    Claim,
    ClaimAppearance,
    FigureConflict,
    LinkStatus,
    MatchCandidate,
    Stance,
)
from claims.services import conflicts, matching
from tests.factories import make_article

pytestmark = pytest.mark.django_db

FIGURES = ["10,000 troops", "11,000 troops", "12,000 soldiers", "about 11,000 troops", "3,000"]
SENTENCE = "North Korea has sent {} to fight in the Kursk region, officials said."


def _keys() -> set[tuple]:
    return set(
        FigureConflict.objects.values_list(
            "claim_id", "kind", "first_id", "second_id", "first_figure", "second_figure"
        )
    )


def test_checking_only_new_appearances_finds_what_a_full_check_finds():
    rng = random.Random(3)
    claim = Claim.objects.create(canonical_text="North Korean troops in Kursk")
    articles = [make_article(SENTENCE.format(f)) for f in FIGURES]
    new_each_time = []
    for n in range(24):  # appearances arrive one or a few at a time, as spans are saved
        article = rng.choice(articles)
        appearance = ClaimAppearance.objects.create(
            claim=claim,
            article=article,
            start=n,
            end=n + 30,
            quote=article.text,
            outlet=f"Outlet {article.pk}",
            stance=rng.choice([Stance.ASSERTS, Stance.ASSERTS, Stance.DENIES]),
            status=LinkStatus.AUTO_LINKED,
        )
        new_each_time.append(appearance.pk)
        if n % 3 == 2:
            conflicts.detect_conflicts(claim_id=claim.pk, fresh=new_each_time)
            new_each_time = []
    conflicts.detect_conflicts(claim_id=claim.pk, fresh=new_each_time)
    incremental = _keys()
    assert any(k[1] == "figures" for k in incremental) and any(
        k[1] == "stance" for k in incremental
    )

    FigureConflict.objects.all().delete()
    created = conflicts.detect_conflicts(claim_id=claim.pk)  # every pair
    assert _keys() == incremental and created == len(incremental)
    assert conflicts.detect_conflicts(claim_id=claim.pk) == 0  # idempotent


def _machine_spans(article, count: int) -> list[tuple[int, int]]:
    """``count`` machine appearances on ``article``, all in one claim group (a much-reported
    claim); returns their offsets."""
    claim = Claim.objects.get_or_create(canonical_text="troops")[0]
    spans = []
    for n in range(count):
        start = n * 80
        ClaimAppearance.objects.create(
            claim=claim,
            article=article,
            start=start,
            end=start + 70,
            quote=article.text[start : start + 70],
            status=LinkStatus.AUTO_LINKED,
        )
        spans.append((start, start + 70))
    return spans


def _drain_reads(pending: int) -> int:
    """Run the drain over ``pending`` spans; how many reads and updates it made. Inserts are
    bulk statements (SQLite splits a long one in batches), savepoints one per span."""
    with CaptureQueriesContext(connection) as queries:
        assert matching.process_pending() == {"placed": pending, "failed": 0}
    skipped = ("SAVEPOINT", "RELEASE SAVEPOINT", "INSERT")
    return sum(1 for q in queries.captured_queries if not q["sql"].startswith(skipped))


def _place_spans(reviewer, per_article: int) -> tuple[int, int]:
    """Save ``per_article`` reviewer spans on each of three articles, all covered by machine
    spans of one group; return (reads and updates of the drain, spans placed)."""
    articles = []
    for figure in FIGURES[:3]:
        text = " ".join(SENTENCE.format(figure).ljust(79) for _ in range(per_article))
        articles.append(make_article(text))
    saved = 0
    for article in articles:
        for start, end in _machine_spans(article, per_article):
            start, end = start + 2, end - 2  # a reviewer's own span over the machine's
            create_annotation(
                user=reviewer,
                article=article,
                start=start,
                end=end,
                quote=article.text[start:end],
                tag="claim",
            )
            saved += 1
    reads = _drain_reads(saved)
    assert ClaimAppearance.objects.filter(annotation__isnull=False).count() == saved
    return reads, saved


def test_the_drain_reads_once_per_batch_not_once_per_span(alice):
    few, n_few = _place_spans(alice, 2)
    FigureConflict.objects.all().delete()
    ClaimAppearance.objects.all().delete()
    Annotation.objects.all().delete()
    many, n_many = _place_spans(alice, 12)
    assert n_many == 6 * n_few
    assert many == few  # not a read per span (the old code made five or more)
    # The reviewers' spans of different articles joined the group, and their figures clash.
    assert FigureConflict.objects.filter(kind="figures", first__annotation__isnull=False).exists()


def test_a_failing_batch_write_is_retried_one_span_at_a_time(alice, caplog):
    article = make_article(" ".join(SENTENCE.format(f).ljust(79) for f in FIGURES[:2]))
    spans = _machine_spans(article, 2)
    for start, end in spans:
        start, end = start + 2, end - 2
        create_annotation(
            user=alice, article=article, start=start, end=end,
            quote=article.text[start:end], tag="claim",
        )  # fmt: skip
    real = conflicts.detect_in_groups
    calls = []

    def fail_first(groups):
        calls.append(dict(groups))
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(groups)

    with mock.patch.object(conflicts, "detect_in_groups", side_effect=fail_first):
        assert matching.process_pending() == {"placed": 2, "failed": 0}
    assert "one by one" in caplog.text
    assert ClaimAppearance.objects.filter(annotation__isnull=False).count() == 2
    assert not Annotation.objects.filter(claims_pending=True).exists()


def _candidate_spans(reviewer, per_article: int) -> tuple[int, int]:
    """Reviewer spans on two articles that no machine span covers, whose sentences read like
    a machine span of a third article; return (reads and updates of the drain, spans)."""
    matching.reset_index()
    source = make_article(
        f"North Korea has sent 12,000 soldiers to fight in the Kursk region ({per_article})."
    )
    claim = Claim.objects.create(canonical_text="troops in Kursk")
    ClaimAppearance.objects.create(
        claim=claim, article=source, start=0, end=len(source.text), quote=source.text,
        status=LinkStatus.AUTO_LINKED,
    )  # fmt: skip
    saved = 0
    for n in range(2):
        sentence = "North Korea has sent {},000 soldiers to fight in Kursk, report {}."
        text = " ".join(
            sentence.format(10 + k, f"{n}-{per_article}").ljust(79) for k in range(per_article)
        )
        article = make_article(text)
        for k in range(per_article):
            start = k * 80
            end = text.index(".", start) + 1
            create_annotation(
                user=reviewer, article=article, start=start, end=end,
                quote=text[start:end], tag="claim",
            )  # fmt: skip
            saved += 1
    return _drain_reads(saved), saved


def test_spans_matched_against_other_articles_are_matched_per_article_not_per_span(alice):
    few, n_few = _candidate_spans(alice, 2)
    assert MatchCandidate.objects.filter(annotation__isnull=False).count() == n_few
    MatchCandidate.objects.all().delete()
    Annotation.objects.all().delete()
    ClaimAppearance.objects.all().delete()
    many, n_many = _candidate_spans(alice, 10)
    assert MatchCandidate.objects.filter(annotation__isnull=False).count() == n_many
    assert many == few, (few, many)
