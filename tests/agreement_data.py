"""Test data for the agreement jobs: reviewers' submitted spans on an article."""

from __future__ import annotations

from typing import Any

from annotations.models import Article, VerdictLabel
from annotations.services.annotating import submit_article
from tests.factories import make_annotation


def label(article: Article, slug: str) -> VerdictLabel:
    return VerdictLabel.objects.get(scale_id=article.verdict_scale_id, slug=slug)


def review(
    article: Article,
    reviewer: Any,
    spans: list[tuple[int, int, str, str | None]],
    *,
    submit: bool = True,
) -> None:
    """Create a reviewer's spans (start, end, tag, verdict slug) and submit the article."""
    for start, end, tag, verdict in spans:
        make_annotation(
            article,
            reviewer,
            start,
            end,
            tag=tag,
            verdict=label(article, verdict) if verdict else None,
        )
    if submit:
        submit_article(user=reviewer, article=article)
