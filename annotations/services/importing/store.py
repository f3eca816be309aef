"""Storing a cleaned draft as an article: exact duplicates, near duplicates, restoring lines.

Exact duplicates are caught by Article.content_hash (unique, the database is the backstop).
Near duplicates are found through LSH bands of the MinHash signature (MinHashBand rows,
indexed), then confirmed with the signatures' estimated Jaccard similarity, so the cost of an
import does not grow with the number of articles stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from annotations import text as textpipe
from annotations.models import Article, MinHashBand, VerdictScale
from annotations.services.links import http_url_problem, normalise_http_url
from annotations.text.dedup import band_keys
from claims.services import hooks as claims_hooks

from .sources import ArticleDraft, ItemError

MAX_CANDIDATES = 50


@dataclass(frozen=True)
class StoreOutcome:
    status: str  # an ItemStatus value: "imported", "duplicate" or "revised"
    article: Article | None = None
    duplicate_of: Article | None = None
    similarity: float | None = None


def find_near_duplicate(signature: list[int]) -> tuple[Article | None, float]:
    """The most similar stored article at or above NEAR_DUPLICATE_THRESHOLD, and the score."""
    keys = [key for _band, key in band_keys(signature)]
    if not keys:
        return None, 0.0
    # The articles sharing the most bands are the most similar ones; capping the candidates
    # keeps a flood of boilerplate-sharing articles from making one import slow.
    candidate_ids = [
        row["article_id"]
        for row in MinHashBand.objects.filter(key__in=keys)
        .values("article_id")
        .annotate(shared=Count("pk"))
        .order_by("-shared", "article_id")[:MAX_CANDIDATES]
    ]
    best: Article | None = None
    best_score = 0.0
    for article in Article.objects.filter(pk__in=candidate_ids).only("pk", "minhash", "title"):
        if len(article.minhash) != len(signature):
            continue
        score = textpipe.similarity(signature, article.minhash)
        if score > best_score or (score == best_score and best and article.pk < best.pk):
            best, best_score = article, score
    if best is None or best_score < settings.NEAR_DUPLICATE_THRESHOLD:
        return None, best_score
    # Link to the original, not to another copy of it.
    if best.near_duplicate_of_id is not None:
        best = Article.objects.get(pk=best.near_duplicate_of_id)
    return best, best_score


def replace_bands(article: Article) -> None:
    """Index the article's current MinHash signature for near-duplicate look-ups."""
    MinHashBand.objects.filter(article=article).delete()
    MinHashBand.objects.bulk_create(
        MinHashBand(article=article, band=band, key=key) for band, key in band_keys(article.minhash)
    )


def find_previous_version(url: str, source_id: str) -> Article | None:
    """The latest stored article with this URL or this outlet id, if any.

    Used to recognise a re-import of the same page: the same text is a duplicate, a
    different text becomes a new revision of that article (annotations re-anchored).
    """
    condition = Q()
    if url:
        condition |= Q(url=url)
    if source_id:
        condition |= Q(source_id=source_id)
    if not condition:
        return None
    return Article.objects.filter(condition).order_by("-pk").first()


def store_draft(
    *, draft: ArticleDraft, job_id: int, default_source: str, verdict_scale_id: int | None = None
) -> StoreOutcome:
    """Create the article unless its text is stored already. Call inside a transaction."""
    if draft.url and http_url_problem(draft.url):
        # Every import path checks its URL with a precise message; this is the backstop.
        raise ItemError(f"refused: the article URL {http_url_problem(draft.url)}.")
    if draft.url:
        draft.url = normalise_http_url(draft.url)
    digest = textpipe.content_hash(draft.text)
    previous = find_previous_version(draft.url, draft.source_id)
    if previous is not None:
        from annotations.services.revisions import revise_from_import

        revision = revise_from_import(previous=previous, draft=draft, digest=digest, job_id=job_id)
        return StoreOutcome(
            revision.status,
            article=revision.article,
            duplicate_of=revision.duplicate_of,
            similarity=1.0 if revision.duplicate_of else None,
        )
    # No SELECT by hash first: the unique constraint on content_hash answers "stored already?"
    # in the INSERT itself (caught below), one round trip fewer per article.
    signature = textpipe.signature(draft.text)
    original, score = find_near_duplicate(signature)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=(draft.title or textpipe.lead_title(draft.text))[:500],
                byline=draft.byline[:300],
                published_at=draft.published,
                source=(draft.source or default_source)[:200],
                url=draft.url[:2000],
                source_id=draft.source_id[:300],
                language=draft.language[:20],
                raw=draft.raw,
                raw_format=draft.raw_format,
                raw_encoding=draft.encoding[:40],
                encoding_doubtful=draft.encoding_doubtful,
                encoding_decision=draft.encoding_decision,
                text=draft.text,
                content_hash=digest,
                minhash=signature,
                near_duplicate_of=original,
                near_duplicate_similarity=score if original else None,
                removed_lines=draft.removed,
                import_job_id=job_id,
                verdict_scale_id=verdict_scale_id or VerdictScale.objects.default().pk,
            )
            replace_bands(article)
            claims_hooks.article_stored(article.pk)
    except IntegrityError:
        # The same text is stored already (by an earlier import, or just now by another worker).
        existing = Article.objects.filter(content_hash=digest).first()
        if existing is None:
            raise
        return StoreOutcome("duplicate", duplicate_of=existing, similarity=1.0)
    return StoreOutcome(
        "imported", article=article, duplicate_of=original, similarity=score if original else None
    )


# --- removed lines ----------------------------------------------------------------------------


def _source_lines(article: Article, still_removed: dict[int, str]) -> list[str]:
    """The lines the cleaner worked on, rebuilt so that removed line numbers index into them.

    For plain text these are the lines of the normalised raw input. For HTML they are the
    extracted blocks separated by blank lines (odd line numbers hold blocks), which we rebuild
    from the stored text's non-blank lines and the removed ones.
    """
    if article.raw_format == "text":
        return textpipe.normalize_text(article.raw).split("\n")
    kept = iter([ln for ln in article.text.split("\n") if ln.strip()])
    size = 2 * (sum(1 for _ in article.text.split("\n") if _.strip()) + len(still_removed)) - 1
    lines = []
    for number in range(1, size + 1):
        if number in still_removed:
            lines.append(still_removed[number])
        elif number % 2:
            lines.append(next(kept, ""))
        else:
            lines.append("")
    return lines


class RestoreError(ValueError):
    """The lines cannot be restored; the message says why."""


def restore_removed_lines(
    *, article_id: int, line_numbers: list[int], user: Any, via: str = "ui"
) -> Article:
    """Put removed lines back into an article's text as a new revision.

    It goes through `revise_article`, so the article's annotations are re-anchored onto the
    new text like after any other revision, and the change is audited.
    """
    from annotations.services.revisions import RevisionError, revise_article

    article = Article.objects.get(pk=article_id)
    # line_no 0: a fragment cut from inside the HTML (a hover card), not a line to put back.
    cut = [r for r in article.removed_lines if int(r["line_no"]) <= 0]
    removed = {int(r["line_no"]): r for r in article.removed_lines if int(r["line_no"]) > 0}
    wanted = {int(n) for n in line_numbers}
    unknown = sorted(wanted - removed.keys())
    if not wanted or unknown:
        raise RestoreError(
            f"No such removed line: {', '.join(map(str, unknown))}."
            if unknown
            else "Choose at least one line to restore."
        )
    lines = _source_lines(article, {n: r["text"] for n, r in removed.items()})
    keep_out = removed.keys() - wanted
    new_text = textpipe.normalize_text(
        "\n".join(ln for i, ln in enumerate(lines, start=1) if i not in keep_out)
    )
    cleaned = SimpleNamespace(
        text=new_text,
        removed=cut + [r for n, r in sorted(removed.items()) if n not in wanted],
        title=None,
        byline=None,
        published=None,
        language=None,
    )
    try:
        revise_article(
            article_id=article.pk,
            raw=article.raw,
            raw_format=article.raw_format,
            cleaned=cleaned,
            actor=user,
            via=via,
            action="article.restore_lines",
            details={"restored_lines": sorted(wanted)},
        )
    except RevisionError as exc:
        raise RestoreError(str(exc)) from None
    return Article.objects.get(pk=article.pk)
