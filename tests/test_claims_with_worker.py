"""The demo set-up on a real worker: the seed import enqueues the claims job per article."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from annotations.models import Article
from claims.models import ClaimAppearance, FigureConflict, Suggestion
from tests.worker import running_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_seed_demo_builds_suggestions_groups_and_conflicts_on_the_worker():
    call_command("setup_demo", stdout=io.StringIO())
    with running_worker(CLAIMS_EMBEDDINGS="off"):
        wait_for(
            lambda: (
                Article.objects.count() == 5
                and Suggestion.objects.values("article").distinct().count() == 5
            ),
            what="suggestions for the five seed articles",
        )
        wait_for(
            lambda: FigureConflict.objects.filter(kind="figures").exists(),
            what="the troop-figure conflict",
        )
    for article in Article.objects.all():
        assert Suggestion.objects.filter(article=article).exists()
    counts = ClaimAppearance.objects.get(quote__contains="roughly 11,000 troops").claim
    assert counts.appearances.values("article").distinct().count() >= 2
