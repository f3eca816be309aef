"""The five seed articles through the real import pipeline, then the claims job per article."""

from __future__ import annotations

from django.conf import settings

from annotations.models import Article, JobKind
from annotations.services import imports
from claims.services import matching


def import_seeds_and_match() -> list[Article]:
    """Import seeds/*.txt with a real import job and run the claims job on each new article.

    The job runs here rather than on a worker; the enqueueing itself is tested in
    test_claims_matching_is_enqueued.py.
    """
    matching.reset_index()
    seeds = sorted((settings.BASE_DIR / "seeds").glob("*.txt"))
    job = imports.create_import_job(
        user=None,
        kind=JobKind.SEED,
        label="seeds",
        inputs=[imports.ImportInput(name=p.name, payload=p.read_bytes()) for p in seeds],
    )
    imports.run_import_job(job_id=job.pk)
    articles = list(Article.objects.order_by("pk"))
    assert len(articles) == len(seeds)
    for article in articles:
        matching.process_article(article_id=article.pk)
    return articles
