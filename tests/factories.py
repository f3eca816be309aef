"""Plain factory functions for test data."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from annotations.models import Annotation, Article, VerdictScale
from annotations.services.imports import content_hash

_counter = itertools.count(1)

LOREM = (
    "North Korea has sent about 11,000 troops to Russia's Kursk region, officials said. "
    "Moscow denied the report on Monday. Analysts estimate that 4,000 were wounded.\n\n"
    "The ministry said the figures were \u201cexaggerated\u201d and gave no numbers of its own."
)


def make_user(username: str, role: str | None = "reviewer", **extra: Any) -> Any:
    user = get_user_model().objects.create_user(
        username=username, password="pw-" + username, **extra
    )
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_article(text: str | None = None, **fields: Any) -> Article:
    n = next(_counter)
    text = text if text is not None else f"{LOREM}\n\nArticle number {n}."
    fields.setdefault("title", f"Article {n}")
    fields.setdefault("source", "Test Wire")
    fields.setdefault("verdict_scale", VerdictScale.objects.default())
    return Article.objects.create(
        text=text, raw=fields.pop("raw", text), content_hash=content_hash(text), **fields
    )


def make_annotation(article: Article, reviewer: Any, start: int, end: int, **fields: Any) -> Any:
    fields.setdefault("tag", "claim")
    return Annotation.objects.create(
        article=article,
        reviewer=reviewer,
        start=start,
        end=end,
        quote=article.text[start:end],
        prefix=article.text[max(0, start - 32) : start],
        suffix=article.text[end : end + 32],
        **fields,
    )
