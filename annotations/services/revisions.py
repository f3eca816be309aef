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

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from annotations import roles
from annotations import text as textpipe
from annotations.models import AnchorStatus, Annotation, Article, ArticleRevision, Via
from annotations.models.review import AnnotationKind
from annotations.services.annotating import (
    AnnotationError,
    NotAllowed,
    StaleVersion,
    check_span,
)
from annotations.services.audit import record
from annotations.text.anchoring import CONTEXT_WIDTH, Anchor, context_for, reanchor_all

STATUSES = tuple(AnchorStatus.values)


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


def anchor_snapshot(annotation: Annotation) -> dict[str, Any]:
    """The audited view of an annotation's anchor (before/after of a re-anchoring)."""
    return {
        "start": annotation.start,
        "end": annotation.end,
        "quote": annotation.quote,
        "anchor_status": annotation.anchor_status,
        "anchor_score": annotation.anchor_score,
        "needs_attention": annotation.needs_attention,
        "version": annotation.version,
    }


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
) -> RevisionResult:
    """Make ``cleaned.text`` the article's new revision and re-anchor all its annotations.

    One transaction, with the article row locked. The current text (and raw, title, hash,
    import job) is kept as ``ArticleRevision(number=article.revision)``; the article gets the
    new text, raw input, hash, MinHash signature, removed lines and any metadata the cleaner
    found, and ``revision + 1``. Every annotation, of either kind, is placed on the new text
    (see the module docstring for orphans and tombstones), its version bumped and the change
    audited as ``annotation.reanchor``; the revision itself is audited once as ``action``.

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
        article.save(update_fields=fields)
        _after_text_change(article)
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
            },
            note=note,
        )
    return RevisionResult(article.pk, old_revision, article.revision, counts, changed, tombstones)


def _after_text_change(article: Article) -> None:
    """Keep indexes derived from the text in step with it (near-duplicate bands, if stored)."""


def _reanchor_annotations(
    article: Article, old_text: str, *, actor: Any, via: Via | str, revision: int
) -> tuple[dict[str, int], int, int]:
    annotations = list(Annotation.objects.select_for_update().filter(article=article))
    placements = reanchor_all([_stored_anchor(a) for a in annotations], old_text, article.text)
    counts: Counter[str] = Counter({status: 0 for status in STATUSES})
    changed = tombstones = 0
    now = timezone.now()
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
        annotation.save(
            update_fields=[
                "start", "end", "quote", "prefix", "suffix", "anchor_status", "anchor_score",
                "needs_attention", "version", "updated_at",
            ]
        )  # fmt: skip
        changed += 1
        record(
            actor=actor,
            via=via,
            action="annotation.reanchor",
            obj=annotation,
            article_id=article.pk,
            before=before,
            after={**anchor_snapshot(annotation), "revision": revision},
        )
    return dict(counts), changed, tombstones


# --- the reviewer's side: confirming and fixing anchors ------------------------------------------

ANCHOR_ACTIONS = ("confirm", "fix")


def _may_resolve(user: Any, annotation: Annotation) -> bool:
    """The author of a review annotation, or an adjudicator (for any annotation, finals too)."""
    if roles.is_adjudicator(user):
        return True
    return (
        roles.is_reviewer(user)
        and annotation.kind == AnnotationKind.REVIEW
        and annotation.reviewer_id == user.pk
    )


@transaction.atomic
def resolve_anchor(
    *,
    user: Any,
    annotation: Annotation,
    action: str,
    start: Any = None,
    end: Any = None,
    quote: Any = None,
    expected_version: int | None = None,
    via: Via | str = Via.UI,
) -> Annotation:
    """Confirm a fuzzy anchor, or fix an anchor's span on the current text.

    Allowed to the annotation's author (review kind) and to adjudicators (any kind), also
    after the article was submitted or adjudicated: repairing where a span sits after a text
    revision is not a change of judgement, so tag, verdict and note stay untouched.

    * ``confirm``: only for a ``fuzzy`` anchor. Its span (already ``text[start:end] ==
      quote``) is accepted: status becomes ``moved`` (placed on a revised text, now vouched
      for) and the machine's score is kept for the record.
    * ``fix``: ``start``, ``end`` and ``quote`` select new text (checked like any span); the
      status becomes ``exact``, score 1.0, the context is taken from the current text. Allowed
      for any annotation that a revision re-anchored (status other than ``exact``) or that
      needs attention; an ``exact`` span is changed through the ordinary edit instead.

    Clears ``needs_attention``, bumps ``version`` and is audited as
    ``annotation.anchor_confirm`` / ``annotation.anchor_fix``. Raises AnnotationError (bad
    input, nothing to confirm), NotAllowed, or annotating.StaleVersion.
    """
    if action not in ANCHOR_ACTIONS:
        raise AnnotationError(
            f"action must be one of {', '.join(ANCHOR_ACTIONS)} (got {action!r}).", field="action"
        )
    current = Annotation.objects.select_for_update().select_related("article").get(pk=annotation.pk)
    if not _may_resolve(user, current):
        raise NotAllowed(
            "Only the annotation's author or an adjudicator can confirm or fix its anchor."
        )
    if current.deleted_at is not None:
        raise AnnotationError("This annotation was deleted.")
    if expected_version is not None and expected_version != current.version:
        raise StaleVersion(current)
    before = anchor_snapshot(current)
    text = current.article.text
    if action == "confirm":
        if start is not None or end is not None or quote is not None:
            raise AnnotationError("confirm takes no span; use action 'fix' to select new text.")
        if current.anchor_status != AnchorStatus.FUZZY:
            hint = (
                "an orphaned annotation has no place in the current text to confirm; "
                "select the text with action 'fix'"
                if current.anchor_status == AnchorStatus.ORPHANED
                else "it is not waiting for confirmation"
            )
            raise AnnotationError(
                f"Only a fuzzy anchor can be confirmed; this one is "
                f"{current.anchor_status} ({hint}).",
                field="action",
            )
        # A fuzzy placement always lies on the current text; check it anyway, cheaply.
        check_span(text, current.start, current.end, current.quote)
        current.anchor_status = AnchorStatus.MOVED
        fields = ["anchor_status"]
    else:
        if current.anchor_status == AnchorStatus.EXACT and not current.needs_attention:
            raise AnnotationError(
                "This anchor was not moved by a revision; change its span by editing the "
                "annotation.",
                field="action",
            )
        start, end, quote = check_span(text, start, end, quote)
        current.start, current.end, current.quote = start, end, quote
        current.prefix, current.suffix = context_for(text, start, end, CONTEXT_WIDTH)
        current.anchor_status = AnchorStatus.EXACT
        current.anchor_score = 1.0
        fields = ["start", "end", "quote", "prefix", "suffix", "anchor_status", "anchor_score"]
    current.needs_attention = False
    current.version += 1
    current.save(update_fields=[*fields, "needs_attention", "version", "updated_at"])
    record(
        actor=user,
        via=via,
        action=f"annotation.anchor_{action}",
        obj=current,
        article_id=current.article_id,
        before=before,
        after={**anchor_snapshot(current), "revision": current.article.revision},
    )
    return current


def attention_queue(user: Any) -> QuerySet[Annotation]:
    """Live annotations whose anchor needs a person: a reviewer's own, everyone's for an
    adjudicator (through ``visible_to``), by article and position."""
    qs = Annotation.objects.visible_to(user).alive().filter(needs_attention=True)
    if not roles.is_adjudicator(user):
        qs = qs.filter(reviewer=user, kind=AnnotationKind.REVIEW)
    return qs.select_related("article", "reviewer", "verdict").order_by("article_id", "start", "pk")
