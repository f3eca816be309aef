"""Near duplicates (edited headline, a few changed sentences, syndicated copies) are linked."""

from __future__ import annotations

import pytest

from annotations.models import Article, ImportItem
from annotations.services import imports
from tests.httpserver import paragraphs_for

pytestmark = pytest.mark.django_db


def import_texts(user, texts):
    job = imports.start_upload_import(
        user=user, files=[(f"t{i}.txt", t.encode()) for i, t in enumerate(texts)]
    )
    imports.run_import_job(job_id=job.pk)
    return [ImportItem.objects.get(job=job, name=f"t{i}.txt") for i in range(len(texts))]


def body(n: int) -> str:
    return "\n\n".join(paragraphs_for(n) + paragraphs_for(n + 100))


def test_edited_copy_is_linked_to_the_original_with_a_score(admin_user):
    original = "Original headline here\n\n" + body(1)
    edited = "A changed headline for it\n\n" + body(1).replace(
        "denied the report", "strongly rejected the report"
    )
    syndicated = body(1) + "\n\nThis story was first published by Example Wire."
    unrelated = body(50)
    first, second, third, other = import_texts(
        admin_user, [original, edited, syndicated, unrelated]
    )
    assert second.status == "imported" and second.article_id != first.article_id
    assert second.duplicate_of_id == first.article_id and 0.8 <= second.similarity < 1.0
    article = Article.objects.get(pk=second.article_id)
    assert article.near_duplicate_of_id == first.article_id
    assert article.near_duplicate_similarity == second.similarity
    assert third.duplicate_of_id == first.article_id  # linked to the original, not a copy
    assert other.duplicate_of_id is None and other.article.near_duplicate_of is None


def test_find_previous_version_by_url_or_source_id(admin_user):
    from tests.factories import make_article

    a = make_article(url="https://example.org/a", source_id="")
    b = make_article(url="", source_id="wire-7")
    assert imports.find_previous_version("https://example.org/a", "") == a
    assert imports.find_previous_version("", "wire-7") == b
    assert imports.find_previous_version("", "") is None
    assert imports.find_previous_version("https://example.org/none", "x") is None
