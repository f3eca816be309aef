"""Text revisions: a changed version of an article replaces its text and keeps every annotation.

``revise_article`` stores the current text as an :class:`ArticleRevision`, installs the new
text and re-anchors every annotation with :func:`annotations.text.anchoring.reanchor_all`
(one diff per revision). Nothing is deleted: an annotation that cannot be placed comes back
*orphaned* and, like a *fuzzy* one, is queued for a reviewer (``needs_attention``).
``resolve_anchor`` is how a reviewer (or an adjudicator) confirms or fixes such an anchor;
``attention_queue`` lists what is waiting.

Invariants after a revision:

* ``exact``/``moved``/``fuzzy`` annotations satisfy ``article.text[start:end] == quote`` and
  their prefix/suffix are the new context.
* An ``orphaned`` annotation keeps its last offsets, quote, prefix and suffix (the quote it
  was made on), so ``article.text[start:end] == quote`` does **not** hold for it: it is not
  highlighted, it is listed in the attention queue, and the next revision tries to place it
  again from the same quote.
* Soft-deleted annotations (tombstones) are re-anchored too, so the invariant above holds for
  every row and sync clients see consistent offsets; they never need attention, because no
  one is asked to repair an annotation its author deleted.
* An unconfirmed fuzzy annotation stays ``fuzzy`` and queued even if the next revision places
  its (machine-chosen) quote exactly: nobody has yet said that this is the right span.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Protocol

from django.db import connection, transaction
from django.utils import timezone

from annotations import text as textpipe
from annotations.models import (
    AnchorStatus,
    Annotation,
    Article,
    ArticleRevision,
    AuditEvent,
    Via,
)
from annotations.services.anchors import (  # re-exported: part of this use case
    ANCHOR_ACTIONS,
    anchor_snapshot,
    attention_queue,
    resolve_anchor,
)
from annotations.services.audit import build_event, record
from annotations.text.anchoring import CONTEXT_WIDTH, Anchor, context_for, reanchor_all

STATUSES = tuple(AnchorStatus.values)
REANCHOR_FIELDS = [
    "start", "end", "quote", "prefix", "suffix", "anchor_status", "anchor_score",
    "needs_attention", "version", "updated_at",
]  # fmt: skip
__all__ = [
    "ANCHOR_ACTIONS",
    "ImportRevision",
    "RevisionError",
    "RevisionResult",
    "anchor_snapshot",
    "attention_queue",
    "resolve_anchor",
    "revise_article",
    "revise_from_import",
    "revision_history",
]


class RevisionError(ValueError):
    """The new text cannot become a revision of this article; the message says why."""


class CleanedLike(Protocol):
    """What the text pipeline returns (``CleanedText``, or an import draft with these fields)."""

    text: str
    title: str | None
    byline: str | None
    published: date | datetime | None


@dataclass(frozen=True)
class RevisionResult:
    """What a revision did: its numbers and how the annotations were placed."""

    article_id: int
    old_revision: int
    new_revision: int
    counts: dict[str, int] = field(default_factory=dict)  # per anchor status, alive only
    changed: int = 0  # annotations whose anchor (offsets, context or status) changed
    tombstones: int = 0

    @property
    def needs_attention(self) -> int:
        return self.counts.get(AnchorStatus.FUZZY, 0) + self.counts.get(AnchorStatus.ORPHANED, 0)


def _write_anchors(rows: list[Annotation]) -> None:
    """One prepared UPDATE run for every row (``executemany``).

    Django's ``bulk_update`` builds a CASE expression per field and row, which costs ~5 ms
    per annotation in Python; one ``save()`` per row ~2 ms. Both databases take this as is.
    """
    if not rows:
        return
    meta = Annotation._meta
    fields = [meta.get_field(name) for name in REANCHOR_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    # Identifiers come from the model, values are parameters.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _removed_lines(removed: Iterable[Any] | None) -> list[dict[str, Any]]:
    """RemovedLine dataclasses or dicts, as the JSON stored on the article."""
    out = []
    for line in removed or []:
        if isinstance(line, dict):
            out.append({k: line[k] for k in ("line_no", "text", "reason")})
        else:
            out.append({"line_no": line.line_no, "text": line.text, "reason": line.reason})
    return out


def _published_at(value: date | datetime | None) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(12, 0))
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value


def _stored_anchor(annotation: Annotation) -> Anchor:
    return Anchor(
        annotation.start, annotation.end, annotation.quote, annotation.prefix, annotation.suffix
    )


def revise_article(
    *,
    article_id: int,
    raw: str,
    raw_format: str,
    cleaned: CleanedLike,
    import_job_id: int | None = None,
    actor: Any = None,
    via: Via | str = Via.TASK,
    action: str = "article.revise",
    note: str = "",
    details: dict[str, Any] | None = None,
) -> RevisionResult:
    """Make ``cleaned.text`` the article's new revision and re-anchor all its annotations.

    One transaction, with the article row locked. The current text (and raw, title, hash,
    import job) is kept as ``ArticleRevision(number=article.revision)``; the article gets the
    new text, raw input, hash, MinHash signature, removed lines and any metadata the cleaner
    found, and ``revision + 1``. Every annotation, of either kind, is placed on the new text
    (see the module docstring for orphans and tombstones), its version bumped and the change
    audited as ``annotation.reanchor``; the revision itself is audited once as ``action``
    (``details`` are added to that event's ``after``).

    An identical text is not a revision: the result then has ``old_revision ==
    new_revision`` and nothing is written. Raises :class:`RevisionError` if the text is empty
    or another article already has exactly this text (content hashes are unique).
    """
    new_text = cleaned.text
    if not new_text or not new_text.strip():
        raise RevisionError("The new text is empty.")
    digest = textpipe.content_hash(new_text)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        if article.text == new_text:
            return RevisionResult(article.pk, article.revision, article.revision)
        other = Article.objects.filter(content_hash=digest).exclude(pk=article.pk).first()
        if other is not None:
            raise RevisionError(
                f"Another article (#{other.pk}, {str(other)[:80]!r}) already has exactly this "
                "text; it cannot also become a revision of this one."
            )
        old_text, old_revision, old_hash = article.text, article.revision, article.content_hash
        ArticleRevision.objects.create(
            article=article,
            number=old_revision,
            title=article.title,
            raw=article.raw,
            text=old_text,
            content_hash=article.content_hash,
            import_job_id=article.import_job_id,
        )
        article.text = new_text
        article.raw = raw
        article.raw_format = raw_format
        article.content_hash = digest
        article.minhash = textpipe.signature(new_text)
        article.removed_lines = _removed_lines(getattr(cleaned, "removed", None))
        article.revision = old_revision + 1
        fields = ["text", "raw", "raw_format", "content_hash", "minhash", "removed_lines"]
        fields += ["revision", "updated_at"]
        # Metadata the new version states replaces the old; what it does not state is kept.
        if getattr(cleaned, "title", None):
            article.title = cleaned.title[:500]
            fields.append("title")
        if getattr(cleaned, "byline", None):
            article.byline = cleaned.byline[:300]
            fields.append("byline")
        if published := _published_at(getattr(cleaned, "published", None)):
            article.published_at = published
            fields.append("published_at")
        if language := getattr(cleaned, "language", None):
            article.language = language[:20]
            fields.append("language")
        if import_job_id is not None:
            article.import_job_id = import_job_id
            fields.append("import_job")
        if (encoding := getattr(cleaned, "encoding", None)) is not None:
            # The new raw comes with how it was decoded ("" for text input such as JSONL), so a
            # doubtful guess shows and raw_encoding always describes the current raw.
            article.raw_encoding = encoding[:40]
            article.encoding_doubtful = bool(getattr(cleaned, "encoding_doubtful", False))
            article.encoding_decision = getattr(cleaned, "encoding_decision", None) or {}
            fields += ["raw_encoding", "encoding_doubtful", "encoding_decision"]
        article.save(update_fields=fields)
        from annotations.services.importing.store import replace_bands

        replace_bands(article)
        counts, changed, tombstones = _reanchor_annotations(
            article, old_text, actor=actor, via=via, revision=article.revision
        )
        record(
            actor=actor,
            via=via,
            action=action,
            obj=article,
            article_id=article.pk,
            before={"revision": old_revision, "content_hash": old_hash},
            after={
                "revision": article.revision,
                "content_hash": digest,
                "import_job": import_job_id,
                "anchors": counts,
                "reanchored": changed,
                **(details or {}),
            },
            note=note,
        )
    return RevisionResult(article.pk, old_revision, article.revision, counts, changed, tombstones)


def _reanchor_annotations(
    article: Article, old_text: str, *, actor: Any, via: Via | str, revision: int
) -> tuple[dict[str, int], int, int]:
    annotations = list(Annotation.objects.select_for_update().filter(article=article))
    placements = reanchor_all([_stored_anchor(a) for a in annotations], old_text, article.text)
    counts: Counter[str] = Counter({status: 0 for status in STATUSES})
    tombstones = 0
    now = timezone.now()
    changed_rows: list[Annotation] = []
    events: list[AuditEvent] = []
    for annotation, placement in zip(annotations, placements, strict=True):
        before = anchor_snapshot(annotation)
        old_context = (annotation.prefix, annotation.suffix)
        alive = annotation.deleted_at is None
        was_unconfirmed_fuzzy = (
            annotation.anchor_status == AnchorStatus.FUZZY and annotation.needs_attention
        )
        if placement.start is None or placement.end is None or placement.quote is None:
            # Orphaned: keep the last offsets and the quote it was made on (see module doc).
            status = AnchorStatus.ORPHANED
        else:
            annotation.start, annotation.end = placement.start, placement.end
            annotation.quote = placement.quote
            annotation.prefix, annotation.suffix = context_for(
                article.text, placement.start, placement.end, CONTEXT_WIDTH
            )
            status = placement.status
            if was_unconfirmed_fuzzy and not placement.needs_review:
                status = AnchorStatus.FUZZY
        annotation.anchor_status = status
        annotation.anchor_score = placement.score
        annotation.needs_attention = alive and (
            placement.needs_review or status == AnchorStatus.FUZZY
        )
        if alive:
            counts[status] += 1
        else:
            tombstones += 1
        same = {k: v for k, v in anchor_snapshot(annotation).items() if k != "anchor_score"}
        if same == {k: v for k, v in before.items() if k != "anchor_score"} and (
            (annotation.prefix, annotation.suffix) == old_context
        ):
            # Untouched by the edit: no write, no version bump, no event. (The score of an
            # anchor that never moved stays as it was, None for one never re-anchored.)
            continue
        annotation.version += 1
        annotation.updated_at = now
        changed_rows.append(annotation)
        events.append(
            build_event(
                actor=actor,
                via=via,
                action="annotation.reanchor",
                obj=annotation,
                article_id=article.pk,
                before=before,
                after={**anchor_snapshot(annotation), "revision": revision},
            )
        )
    _write_anchors(changed_rows)
    AuditEvent.objects.bulk_create(events, batch_size=500)
    changed = len(changed_rows)
    return dict(counts), changed, tombstones


def revision_history(article: Article, *, with_text: bool = False) -> list[dict[str, Any]]:
    """Every revision of ``article``, oldest first, the current one last.

    ``since`` is when the text became current, ``replaced_at`` when a newer one replaced it;
    ``anchors`` are the per-status counts recorded when the revision was made (None for the
    first text, which nothing was re-anchored onto).
    """
    stored = list(ArticleRevision.objects.filter(article=article).order_by("number"))
    anchors: dict[int, dict[str, int]] = {}
    events = AuditEvent.objects.filter(article_id=article.pk, object_type="article")
    for after in events.exclude(after=None).values_list("after", flat=True):
        if isinstance(after, dict) and "anchors" in after and "revision" in after:
            anchors[after["revision"]] = after["anchors"]
    rows: list[dict[str, Any]] = []
    since = article.created_at
    entries: list[tuple[int, str, str, str, int | None, Any]] = [
        (r.number, r.title, r.text, r.content_hash, r.import_job_id, r.created_at) for r in stored
    ]
    entries.append(
        (article.revision, article.title, article.text, article.content_hash,
         article.import_job_id, None)
    )  # fmt: skip
    for number, title, text, digest, job_id, replaced_at in entries:
        row: dict[str, Any] = {
            "number": number,
            "current": replaced_at is None,
            "title": title,
            "content_hash": digest,
            "chars": len(text),
            "import_job": job_id,
            "since": since,
            "replaced_at": replaced_at,
            "anchors": anchors.get(number),
        }
        if with_text:
            row["text"] = text
        rows.append(row)
        since = replaced_at
    return rows


@dataclass(frozen=True)
class ImportRevision:
    """What an import item becomes when its URL or outlet id names a stored article."""

    status: str  # "revised" or "duplicate" (ItemStatus values)
    article: Article | None = None
    duplicate_of: Article | None = None


def revise_from_import(
    *, previous: Article, draft: Any, digest: str, job_id: int | None
) -> ImportRevision:
    """The import's side of a revision: ``draft`` (raw, raw_format, text, title, byline,
    published, removed, language) has the URL or outlet id of ``previous``.

    The same text is a duplicate of ``previous``; a text stored already as another article
    is a duplicate of that one; any other text becomes a new revision of ``previous``. Call
    inside the item's transaction; safe when two workers import the same revision at once
    (the second finds the text in place and reports a duplicate).
    """
    if previous.content_hash == digest:
        return ImportRevision("duplicate", duplicate_of=previous)
    other = Article.objects.filter(content_hash=digest).exclude(pk=previous.pk).first()
    if other is not None:
        return ImportRevision("duplicate", duplicate_of=other)
    try:
        result = revise_article(
            article_id=previous.pk,
            raw=draft.raw,
            raw_format=draft.raw_format,
            cleaned=draft,
            import_job_id=job_id,
            via=Via.TASK,
        )
    except RevisionError:
        # Another worker stored this text as a new article between our check and our lock.
        other = Article.objects.filter(content_hash=digest).exclude(pk=previous.pk).first()
        if other is None:
            raise
        return ImportRevision("duplicate", duplicate_of=other)
    if result.new_revision == result.old_revision:
        return ImportRevision("duplicate", duplicate_of=previous)
    return ImportRevision("revised", article=Article.objects.get(pk=previous.pk))


def revise_with_near_duplicate(*, by: Any, item_id: int) -> RevisionResult:
    """An imported article turned out to be a corrected copy of a stored one (a near
    duplicate, typically a re-uploaded seed with no or another URL): make its text a new
    revision of the stored article instead, and remove the copy.

    Admins only. The copy must be untouched (no assignment, no annotation): otherwise
    reviewers' work on it would be lost, and :class:`RevisionError` says so. The import item
    then reads "revised" and points at the stored article. One transaction.
    """
    from annotations import roles
    from annotations.models import Assignment, ImportItem, ItemStatus
    from annotations.services.annotating import NotAllowed
    from annotations.services.importing.jobs import refresh_counts

    if not roles.is_admin(by):
        raise NotAllowed("Only admins can revise articles from an import.")
    with transaction.atomic():
        item = ImportItem.objects.select_for_update().get(pk=item_id)
        if item.status != ItemStatus.IMPORTED or not item.article_id or not item.duplicate_of_id:
            raise RevisionError("This import item is not a near duplicate of a stored article.")
        copy = Article.objects.select_for_update().get(pk=item.article_id)
        target_id = item.duplicate_of_id
        if (
            Annotation.objects.filter(article=copy).exists()
            or Assignment.objects.filter(article=copy).exists()
        ):
            raise RevisionError(
                f"Article {copy.pk} has assignments or annotations already; revise article "
                f"{target_id} by hand (its revision page) so that no work is lost."
            )
        cleaned = _CopiedText(
            text=copy.text,
            title=copy.title,
            byline=copy.byline,
            published=copy.published_at,
            language=copy.language,
            removed=copy.removed_lines,
        )
        raw, raw_format, copy_pk = copy.raw, copy.raw_format, copy.pk
        # The copy holds this exact text (content hashes are unique): it goes first.
        copy.delete()
        result = revise_article(
            article_id=target_id,
            raw=raw,
            raw_format=raw_format,
            cleaned=cleaned,
            import_job_id=item.job_id,
            actor=by,
            via=Via.UI,
            note=f"Text of import item {item.pk} (near duplicate, stored as article {copy_pk}).",
            details={"replaced_article": copy_pk, "import_item": item.pk},
        )
        item.status = ItemStatus.REVISED
        item.article_id = target_id
        item.save(update_fields=["status", "article"])
        refresh_counts(job_id=item.job_id)
    return result


@dataclass(frozen=True)
class _CopiedText:
    text: str
    title: str
    byline: str
    published: datetime | None
    language: str
    removed: list[Any]
