"""Annotating: creating, editing, deleting spans and submitting an article.

The web UI and the REST API both call these functions, so the rules live here once:
offsets are Unicode code points of ``article.text``; the quote must equal the text at those
offsets; tag and verdict must belong to the article's scale; a submitted article is
read-only for its reviewer; every write bumps ``version`` (optimistic locking) and is audited.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Func
from django.db.models.functions import Length, Substr
from django.utils import timezone

from annotations import roles
from annotations.models import (
    Annotation,
    AnnotationState,
    Article,
    ArticleStatus,
    Assignment,
    AssignmentStatus,
    ClaimantType,
    Tag,
    VerdictLabel,
    Via,
)
from annotations.models.review import AnnotationKind
from annotations.services import agreement
from annotations.services.audit import record
from annotations.services.links import http_url_problem, normalise_http_url
from claims.services import hooks as claims_hooks

CONTEXT_CHARS = 32
MAX_EVIDENCE_URLS = 20
MAX_NOTE_CHARS = 10_000
MAX_CLAIMANT_CHARS = 300
EDITABLE_FIELDS = (
    "start", "end", "quote", "tag", "verdict", "claimant", "claimant_type", "note", "evidence_urls",
)  # fmt: skip


class AnnotationError(ValueError):
    """The request is wrong; ``field`` names what, the message says why."""

    def __init__(self, message: str, *, field: str = "non_field_errors") -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class NotAllowed(PermissionError):
    """The user may see the object but not change it this way."""


class NotVisible(NotAllowed):
    """The user may not even see the object (the API answers 404, as for a missing one)."""


class StaleVersion(Exception):
    """Someone else changed the annotation since the client read it."""

    def __init__(self, current: Annotation) -> None:
        super().__init__(
            f"Annotation {current.pk} was changed elsewhere (now version {current.version}); "
            "reload it and apply your change again."
        )
        self.current = current


def snapshot(annotation: Annotation) -> dict[str, Any]:
    """The audited view of an annotation (before/after in the history)."""
    return {
        "start": annotation.start,
        "end": annotation.end,
        "quote": annotation.quote,
        "tag": annotation.tag,
        "verdict": annotation.verdict.slug if annotation.verdict_id else None,
        "claimant": annotation.claimant,
        "claimant_type": annotation.claimant_type,
        "note": annotation.note,
        "evidence_urls": list(annotation.evidence_urls),
        "state": annotation.state,
        "version": annotation.version,
        "deleted": annotation.deleted_at is not None,
    }


def save_versioned(
    annotation: Annotation,
    fields: list[str],
    *,
    actor: Any,
    via: Via | str,
    action: str,
    before: dict[str, Any],
    after: Callable[[Annotation], dict[str, Any]] = snapshot,
    note: str = "",
) -> None:
    """Save the changed fields with the version bumped, and audit the change.

    Every write to an annotation ends here, so that optimistic locking and the history can
    never disagree. ``after`` is taken once the version is bumped.
    """
    annotation.version += 1
    annotation.save(update_fields=[*fields, "version", "updated_at"])
    record(
        actor=actor,
        via=via,
        action=action,
        obj=annotation,
        article_id=annotation.article_id,
        before=before,
        after=after(annotation),
        note=note,
    )


# The article's columns a span write needs: never its text, raw input, signature or removed
# lines (several kB per row), of which the write reads only a window (see TextWindow).
ARTICLE_WRITE_FIELDS = ("id", "status", "verdict_scale_id", "revision")
MAX_SQL_INT = 2**31 - 1


@dataclass(frozen=True)
class TextWindow:
    """The part of an article's text around a span, cut by the database.

    A span write needs the text's length, the quote's range and CONTEXT_CHARS either side,
    not the whole text. ``len(window)`` is the whole text's length and ``window[a:b]`` takes
    absolute offsets, so check_span and the context slices read it as they read a ``str``.
    Both databases count Unicode code points in LENGTH and SUBSTR, as the offsets do.
    """

    length: int
    offset: int
    chunk: str

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, key: slice) -> str:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("A TextWindow is sliced with [start:end] only.")
        start = 0 if key.start is None else max(0, min(key.start, self.length))
        stop = self.length if key.stop is None else max(0, min(key.stop, self.length))
        if stop <= start:
            return ""
        if start < self.offset or stop > self.offset + len(self.chunk):
            raise IndexError(f"[{start}:{stop}] is outside the window read ({self.offset}+).")
        return self.chunk[start - self.offset : stop - self.offset]


def window_expressions(text_field: str, start: int, end: int) -> dict[str, Func]:
    """Annotations that read the text's length and the window of the span [start:end]."""
    lo = window_offset(start)
    hi = min(end + CONTEXT_CHARS, MAX_SQL_INT)
    return {
        "text_length": Length(text_field),
        "text_window": Substr(text_field, lo + 1, max(hi - lo, 1)),
    }


def window_offset(start: int) -> int:
    return max(0, start - CONTEXT_CHARS)


def window_of(row: Any, start: int) -> TextWindow:
    """The TextWindow a row annotated with ``window_expressions(..., start, end)`` carries."""
    return TextWindow(row.text_length, window_offset(start), row.text_window or "")


def check_offsets(start: Any, end: Any, quote: Any) -> tuple[int, int, str]:
    """The checks of check_span that need no text: types, sign, non-empty."""
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise AnnotationError(f"{name} must be a whole number.", field=name)
    if not isinstance(quote, str) or not quote:
        raise AnnotationError("quote must be the selected text.", field="quote")
    if start < 0:
        raise AnnotationError("start must not be negative.", field="start")
    if end <= start:
        raise AnnotationError("end must be greater than start (empty span).", field="end")
    return start, end, quote


def check_span(text: str | TextWindow, start: Any, end: Any, quote: Any) -> tuple[int, int, str]:
    """Validate offsets (code points, half-open) and that the quote is the text there."""
    start, end, quote = check_offsets(start, end, quote)
    if end > len(text):
        raise AnnotationError(
            f"end={end} is past the end of the text ({len(text)} characters).", field="end"
        )
    actual = text[start:end]
    if actual != quote:
        raise AnnotationError(
            f"quote does not match the text at [{start}:{end}]: the text there is "
            f"{actual[:80]!r}. Offsets count Unicode code points of the article text.",
            field="quote",
        )
    return start, end, quote


def clean_evidence(urls: Any) -> list[str]:
    if urls is None:
        return []
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise AnnotationError("evidence_urls must be a list of URLs.", field="evidence_urls")
    cleaned = [u.strip() for u in urls if u.strip()]
    if len(cleaned) > MAX_EVIDENCE_URLS:
        raise AnnotationError(f"At most {MAX_EVIDENCE_URLS} evidence URLs.", field="evidence_urls")
    for url in cleaned:
        problem = http_url_problem(url)
        if problem:
            raise AnnotationError(
                f"{url[:100]!r} is not an http(s) URL: it {problem}.", field="evidence_urls"
            )
    return [normalise_http_url(url) for url in cleaned]


def clean_text_field(value: Any, field: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise AnnotationError(f"{field} must be text.", field=field)
    if len(value) > limit:
        raise AnnotationError(f"{field} is too long (at most {limit} characters).", field=field)
    return value.strip() if field == "claimant" else value


def clean_claimant_type(value: Any) -> str:
    if value is None:
        return ClaimantType.UNKNOWN
    if value not in ClaimantType.values:
        raise AnnotationError(
            "claimant_type must be person, organization or blank (unknown), "
            f"not {str(value)[:40]!r}.",
            field="claimant_type",
        )
    return value


def remembered_claimant_type(*, user: Any, article: Article, claimant: str) -> str:
    """The type last given to this claimant name: on this article first, then anywhere the
    user may see (a reviewer: their own spans, so blind review leaks nothing), else unknown.

    A default the reviewer sees and can change, never a guess from the name itself.
    """
    name = claimant.strip()
    if not name:
        return ClaimantType.UNKNOWN
    known = Annotation.objects.alive().filter(claimant__iexact=name).exclude(claimant_type="")
    if not roles.is_adjudicator(user):
        known = known.filter(reviewer=user)
    for scope in (known.filter(article=article), known):
        found = scope.order_by("-updated_at", "-id").values_list("claimant_type", flat=True)
        if value := found.first():
            return value
    return ClaimantType.UNKNOWN


def resolve_claimant_type(*, user: Any, article: Article, claimant: str, value: Any) -> str:
    """The given type, or (None: not given) the remembered one for this claimant."""
    if value is None:
        return remembered_claimant_type(user=user, article=article, claimant=claimant)
    return clean_claimant_type(value)


_TAGS = frozenset(Tag.values)  # Tag.values builds a new list on every call


def clean_tag(tag: Any) -> str:
    if not isinstance(tag, str) or tag not in _TAGS:
        raise AnnotationError(
            f"tag must be one of {', '.join(Tag.values)} (got {tag!r}).", field="tag"
        )
    return tag


def clean_verdict(article: Article, verdict: Any) -> VerdictLabel | None:
    if verdict in (None, ""):
        return None
    if not isinstance(verdict, str):
        raise AnnotationError("verdict must be a label slug.", field="verdict")
    label = VerdictLabel.objects.filter(scale_id=article.verdict_scale_id, slug=verdict).first()
    if label is None:
        slugs = VerdictLabel.objects.filter(scale_id=article.verdict_scale_id).values_list(
            "slug", flat=True
        )
        raise AnnotationError(
            f"verdict {verdict!r} is not on this article's scale; use one of: {', '.join(slugs)}.",
            field="verdict",
        )
    return label


def apply_changes(
    annotation: Annotation, changes: Mapping[str, Any], *, text: str | TextWindow | None = None
) -> list[str]:
    """Validate ``changes`` and set them on ``annotation`` (unsaved); return the changed fields.

    Offsets change only as a set: start, end and quote together, checked against the text
    (``text``, e.g. the TextWindow of the new span, or else the article's whole text).
    Shared by reviewers' edits and adjudicators' edits of final annotations.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise AnnotationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    current = annotation
    fields: list[str] = []
    span_keys = {"start", "end", "quote"} & set(changes)
    if span_keys:
        if span_keys != {"start", "end", "quote"}:
            raise AnnotationError("Change start, end and quote together.", field="quote")
        check_offsets(changes["start"], changes["end"], changes["quote"])
        if text is None:
            text = current.article.text
        start, end, quote = check_span(text, changes["start"], changes["end"], changes["quote"])
        current.start, current.end, current.quote = start, end, quote
        current.prefix = text[max(0, start - CONTEXT_CHARS) : start]
        current.suffix = text[end : end + CONTEXT_CHARS]
        fields += ["start", "end", "quote", "prefix", "suffix"]
    if "tag" in changes:
        current.tag = clean_tag(changes["tag"])
        fields.append("tag")
    if "verdict" in changes:
        current.verdict = clean_verdict(current.article, changes["verdict"])
        fields.append("verdict")
    if "claimant" in changes:
        old = current.claimant
        current.claimant = clean_text_field(changes["claimant"], "claimant", MAX_CLAIMANT_CHARS)
        fields.append("claimant")
        if "claimant_type" not in changes and current.claimant.lower() != old.lower():
            # Another claimant: the old type does not carry over silently.
            current.claimant_type = remembered_claimant_type(
                user=current.reviewer, article=current.article, claimant=current.claimant
            )
            fields.append("claimant_type")
    if "claimant_type" in changes:
        current.claimant_type = clean_claimant_type(changes["claimant_type"])
        fields.append("claimant_type")
    if "note" in changes:
        current.note = clean_text_field(changes["note"], "note", MAX_NOTE_CHARS)
        fields.append("note")
    if "evidence_urls" in changes:
        current.evidence_urls = clean_evidence(changes["evidence_urls"])
        fields.append("evidence_urls")
    return fields


def _require_reviewer(user: Any) -> None:
    if not roles.is_reviewer(user):
        raise NotAllowed("Only reviewers can annotate.")


def _open_assignment(user: Any, article: Article) -> Assignment:
    """The reviewer's task on this article, started on first use; refuses if submitted."""
    assignment, _ = Assignment.objects.get_or_create(article=article, reviewer=user)
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise NotAllowed("You submitted this article; your annotations are read-only now.")
    if not assignment.active:
        raise NotAllowed("You were unassigned from this article.")
    return assignment


def _mark_in_progress(assignment: Assignment, article: Article) -> None:
    if assignment.status == AssignmentStatus.NEW:
        assignment.status = AssignmentStatus.IN_PROGRESS
        assignment.save(update_fields=["status", "updated_at"])
    if article.status == ArticleStatus.NEW:
        Article.objects.filter(pk=article.pk, status=ArticleStatus.NEW).update(
            status=ArticleStatus.IN_REVIEW
        )


def _span_keys_valid(changes: Mapping[str, Any]) -> tuple[int, int] | None:
    """(start, end) when ``changes`` moves the span to well-formed offsets, else None."""
    if not {"start", "end", "quote"} <= set(changes):
        return None
    try:
        start, end, _ = check_offsets(changes["start"], changes["end"], changes["quote"])
    except AnnotationError:
        return None  # apply_changes reports it, after the permission checks
    return start, end


def _lock_article(user: Any, article: Article | int, start: int, end: int) -> Article:
    """The article, locked, if ``user`` may see it: its light columns and the span's window.

    One query: a text revision may have replaced the text the caller loaded, so the lock
    comes first, and the visibility check rides along (a subquery, since FOR UPDATE
    refuses the DISTINCT of the assigned mode's join).
    """
    article_id = article if isinstance(article, int) else article.pk
    visible = Article.objects.visible_to(user)
    if visible.query.has_filters():  # not when the user sees every article (open mode)
        visible = Article.objects.filter(pk__in=visible.values("pk"))
    try:
        return (
            visible.select_for_update()
            .only(*ARTICLE_WRITE_FIELDS)
            .annotate(**window_expressions("text", start, end))
            .get(pk=article_id)
        )
    except Article.DoesNotExist:
        raise AnnotationError(
            f"No article {article_id} that you can see.", field="article"
        ) from None


@transaction.atomic
def create_annotation(
    *,
    user: Any,
    article: Article | int,
    start: Any,
    end: Any,
    quote: Any,
    tag: Any,
    verdict: Any = None,
    claimant: Any = "",
    claimant_type: Any = None,
    note: Any = "",
    evidence_urls: Any = None,
    via: Via | str = Via.UI,
) -> Annotation:
    """Store a reviewer's span. Raises AnnotationError (bad input) or NotAllowed.

    ``article`` (or its id) must be visible to the user; the article row is read once, with
    the part of its text around the span, not the whole text.

    ``claimant_type`` None (not given) takes the type last used for this claimant name.
    """
    _require_reviewer(user)
    start, end, quote = check_offsets(start, end, quote)
    article = _lock_article(user, article, start, end)
    text = window_of(article, start)
    start, end, quote = check_span(text, start, end, quote)
    annotation = Annotation(
        article=article,
        reviewer=user,
        start=start,
        end=end,
        quote=quote,
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
        tag=clean_tag(tag),
        verdict=clean_verdict(article, verdict),
        claimant=clean_text_field(claimant, "claimant", MAX_CLAIMANT_CHARS),
        note=clean_text_field(note, "note", MAX_NOTE_CHARS),
        evidence_urls=clean_evidence(evidence_urls),
    )
    annotation.claimant_type = resolve_claimant_type(
        user=user, article=article, claimant=annotation.claimant, value=claimant_type
    )
    assignment = _open_assignment(user, article)
    claims_hooks.span_saving(annotation)
    annotation.save()
    _mark_in_progress(assignment, article)
    record(
        actor=user,
        via=via,
        action="annotation.create",
        obj=annotation,
        article_id=article.pk,
        after=snapshot(annotation),
    )
    return annotation


def _lock_for_change(
    user: Any,
    annotation: Annotation | int,
    expected_version: int | None,
    *,
    span: tuple[int, int] | None = None,
) -> Annotation:
    """The annotation and its article, locked, with the window of the new ``span`` if any.

    Raises Annotation.DoesNotExist when there is no such annotation, NotVisible when the
    user may not see it (visibility is a filter of the same query).
    """
    annotation_id = annotation if isinstance(annotation, int) else annotation.pk
    fields = [
        *(f.name for f in Annotation._meta.concrete_fields if not f.is_relation),
        *("article_id", "reviewer_id", "verdict_id", "based_on_id"),
        *(f"article__{name}" for name in ARTICLE_WRITE_FIELDS),
        *("verdict__id", "verdict__scale_id", "verdict__slug", "verdict__name"),
    ]
    qs = (
        Annotation.objects.visible_to(user)
        .select_related("article", "verdict")
        .only(*fields)
        .select_for_update(of=("self", "article"))
    )
    if span is not None:
        qs = qs.annotate(**window_expressions("article__text", *span))
    try:
        current = qs.get(pk=annotation_id)
    except Annotation.DoesNotExist:
        if Annotation.objects.filter(pk=annotation_id).exists():
            raise NotVisible("You can change only your own annotations.") from None
        raise
    if current.deleted_at is not None:
        raise AnnotationError("This annotation was deleted.", field="non_field_errors")
    if current.kind != AnnotationKind.REVIEW or current.reviewer_id != user.pk:
        raise NotAllowed("You can change only your own annotations.")
    current.reviewer = user  # the same row: no query when the response names the reviewer
    if expected_version is not None and expected_version != current.version:
        raise StaleVersion(current)
    _open_assignment(user, current.article)
    return current


@transaction.atomic
def update_annotation(
    *,
    user: Any,
    annotation: Annotation | int,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
    via: Via | str = Via.UI,
) -> Annotation:
    """Apply a partial change. Offsets change only as a set: start, end and quote together."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise AnnotationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    span = _span_keys_valid(changes)
    current = _lock_for_change(user, annotation, expected_version, span=span)
    before = snapshot(current)
    fields = apply_changes(
        current, changes, text=window_of(current, span[0]) if span is not None else None
    )
    if not fields:
        return current
    claims_hooks.span_saving(current)
    save_versioned(
        current,
        [*fields, claims_hooks.PENDING_FIELD],
        actor=user,
        via=via,
        action="annotation.update",
        before=before,
    )
    return current


@transaction.atomic
def delete_annotation(
    *,
    user: Any,
    annotation: Annotation | int,
    expected_version: int | None = None,
    via: Via | str = Via.UI,
) -> Annotation:
    """Soft delete: the row stays as a tombstone for history and for sync clients."""
    current = _lock_for_change(user, annotation, expected_version)
    before = snapshot(current)
    current.deleted_at = timezone.now()
    save_versioned(
        current, ["deleted_at"], actor=user, via=via, action="annotation.delete", before=before
    )
    return current


@transaction.atomic
def submit_article(*, user: Any, article: Article, via: Via | str = Via.UI) -> Assignment:
    """Hand in a reviewer's work on an article: their annotations become read-only."""
    _require_reviewer(user)
    article = Article.objects.select_for_update().get(pk=article.pk)
    assignment = _open_assignment(user, article)
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["status", "submitted_at", "updated_at"])
    count = (
        Annotation.objects.alive()
        .filter(article=article, reviewer=user, kind=AnnotationKind.REVIEW)
        .update(state=AnnotationState.SUBMITTED)
    )
    pending = Assignment.objects.filter(article=article, active=True).exclude(
        status=AssignmentStatus.SUBMITTED
    )
    if article.status in (ArticleStatus.NEW, ArticleStatus.IN_REVIEW) and not pending.exists():
        article.status = ArticleStatus.REVIEWED
        article.save(update_fields=["status", "updated_at"])
    record(
        actor=user,
        via=via,
        action="assignment.submit",
        obj=assignment,
        article_id=article.pk,
        after={"status": assignment.status, "annotations": count},
    )
    agreement.schedule_article(article_id=article.pk)
    return assignment
