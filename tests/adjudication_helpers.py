"""Two reviewers who annotated one article blind and submitted it: the adjudicator's input."""

from __future__ import annotations

from typing import Any

from annotations.models import Annotation, Article, Via
from annotations.services.annotating import create_annotation, submit_article


def span(
    user: Any, article: Article, phrase: str, tag: str = "claim", verdict: str | None = None, **kw
) -> Annotation:
    start = article.text.index(phrase)
    return create_annotation(
        user=user,
        article=article,
        start=start,
        end=start + len(phrase),
        quote=phrase,
        tag=tag,
        verdict=verdict,
        via=Via.API,
        **kw,
    )


def two_reviews(article: Article, alice: Any, bob: Any) -> dict[str, Annotation]:
    """Alice and Bob agree on one span, differ on two, and only Alice marks a fourth."""
    spans = {
        "a_troops": span(alice, article, "about 11,000 troops", "estimate", "mostly-true"),
        "b_troops": span(bob, article, "about 11,000 troops", "estimate", "mostly-true"),
        "a_denied": span(alice, article, "Moscow denied the report", "denial", "false"),
        "b_denied": span(bob, article, "Moscow denied the report on Monday", "claim", "false"),
        "a_wounded": span(alice, article, "4,000 were wounded", "estimate", "half-true"),
        "b_wounded": span(bob, article, "4,000 were wounded", "estimate", "mostly-false"),
        "a_exag": span(alice, article, "exaggerated", "denial", None),
    }
    submit_article(user=alice, article=article)
    submit_article(user=bob, article=article)
    return spans
