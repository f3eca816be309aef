"""Many spans at once: pre-annotated imports and the bulk span API share this one writer.

The rules are those of single writes (annotations.services.annotating): offsets are code
points of the stored text and the quote must be the text there; tag and verdict come from
the article's scale; claimant, note and evidence URLs are checked the same way; every
created or changed span is audited (one AuditEvent each, written with bulk_create); updates
bump ``version`` and honour the version the client read (optimistic locking).

Two callers, two error policies:

* ``write_spans`` (the API): all or nothing. Any invalid span, or any stale version, and
  nothing is written; the error lists every failing span by its index.
* ``import_spans`` (pre-annotated import): a bad span is rejected alone, with a reason.

Ownership of imported spans: a span naming a ``reviewer`` (username or e-mail) that is an
active user with the reviewer role (or above) belongs to that user, and their assignment on
the article is opened (in progress), exactly as if they had started annotating. Every other
imported span - no reviewer named, a reviewer unknown here, and all Label Studio
predictions - belongs to the system user ``pre-annotation`` (inactive, cannot log in), has no
assignment and is therefore outside agreement and never blocks an article from being
reviewed. The audit events name the importing user as the actor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from annotations import roles
from annotations.models import (
    Annotation,
    Article,
    ArticleStatus,
    Assignment,
    AssignmentStatus,
    AuditEvent,
    VerdictLabel,
    Via,
)
from annotations.models.review import AnnotationKind
from annotations.services.annotating import (
    CONTEXT_CHARS,
    EDITABLE_FIELDS,
    MAX_CLAIMANT_CHARS,
    MAX_NOTE_CHARS,
    AnnotationError,
    NotAllowed,
    check_span,
    clean_claimant_type,
    clean_evidence,
    clean_tag,
    clean_text_field,
    remembered_claimant_type,
    snapshot,
)
from annotations.services.audit import build_event
from annotations.services.bulk_insert import bulk_insert
from claims.services import hooks as claims_hooks

PREANNOTATION_USERNAME = "pre-annotation"
MAX_SPANS_PER_REQUEST = 5000


class BulkSpanError(ValueError):
    """Some spans of a bulk write are invalid; nothing was written.

    ``errors`` holds one entry per failing span: {"index", "field", "message"}.
    """

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(
            f"{len(errors)} of the spans are invalid; nothing was saved "
            f"(first: span {first['index']}: {first['message']})."
        )


class BulkStaleVersion(Exception):
    """Some spans were changed elsewhere since the client read them; nothing was written."""

    def __init__(self, stale: list[dict[str, Any]]) -> None:
        self.stale = stale
        super().__init__(
            f"{len(stale)} annotation(s) were changed elsewhere since you read them "
            f"({', '.join(str(s['id']) for s in stale[:10])}); reload and apply again."
        )


@dataclass(frozen=True)
class ImportedSpans:
    created: int
    problems: list[str]


def preannotation_user() -> Any:
    """The owner of machine pre-annotations and of spans with no known reviewer."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=PREANNOTATION_USERNAME,
        defaults={"is_active": False, "first_name": "Pre-annotation"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


class _Scale:
    """The verdict labels of one scale, read once for many spans."""

    def __init__(self, scale_id: int) -> None:
        self.labels = {v.slug: v for v in VerdictLabel.objects.filter(scale_id=scale_id)}

    def clean(self, verdict: Any) -> VerdictLabel | None:
        if verdict in (None, ""):
            return None
        if not isinstance(verdict, str):
            raise AnnotationError("verdict must be a label slug.", field="verdict")
        label = self.labels.get(verdict)
        if label is None:
            raise AnnotationError(
                f"verdict {verdict!r} is not on this article's scale; use one of: "
                f"{', '.join(self.labels)}.",
                field="verdict",
            )
        return label


class _ClaimantTypes:
    """Claimant types as single writes resolve them (annotating.resolve_claimant_type): the
    type given, else the one this user last gave the name. One look-up per name for a whole
    request; a type given earlier in the same request counts, as if saved one by one.
    ``user=None`` (an import): no memory, a type not given is unknown."""

    def __init__(self, user: Any, article: Article | None) -> None:
        self.user, self.article = user, article
        self.known: dict[str, str] = {}

    def resolve(self, claimant: str, value: Any) -> str:
        key = claimant.strip().lower()
        if value is not None or self.user is None or not key:
            resolved = clean_claimant_type(value)
            if value is not None and key:
                self.known[key] = resolved
            return resolved
        if key not in self.known:
            self.known[key] = remembered_claimant_type(
                user=self.user, article=self.article, claimant=claimant
            )
        return self.known[key]


_NO_MEMORY = _ClaimantTypes(None, None)


def _new_span(
    article: Article,
    scale: _Scale,
    owner: Any,
    values: Mapping[str, Any],
    types: _ClaimantTypes = _NO_MEMORY,
) -> Annotation:
    """A validated, unsaved annotation; AnnotationError names the bad field."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise AnnotationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    text = article.text
    start, end, quote = check_span(
        text, values.get("start"), values.get("end"), values.get("quote")
    )
    claimant = clean_text_field(values.get("claimant"), "claimant", MAX_CLAIMANT_CHARS)
    return Annotation(
        article=article,
        reviewer=owner,
        start=start,
        end=end,
        quote=quote,
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
        tag=clean_tag(values.get("tag")),
        verdict=scale.clean(values.get("verdict")),
        claimant=claimant,
        claimant_type=types.resolve(claimant, values.get("claimant_type")),
        note=clean_text_field(values.get("note"), "note", MAX_NOTE_CHARS),
        evidence_urls=clean_evidence(values.get("evidence_urls")),
    )


def _apply(
    annotation: Annotation, scale: _Scale, changes: Mapping[str, Any], types: _ClaimantTypes
) -> list[str]:
    """Validate and set a partial change (offsets only as a set), as update_annotation does."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise AnnotationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    fields: list[str] = []
    span_keys = {"start", "end", "quote"} & set(changes)
    if span_keys:
        if span_keys != {"start", "end", "quote"}:
            raise AnnotationError("Change start, end and quote together.", field="quote")
        text = annotation.article.text
        start, end, quote = check_span(text, changes["start"], changes["end"], changes["quote"])
        annotation.start, annotation.end, annotation.quote = start, end, quote
        annotation.prefix = text[max(0, start - CONTEXT_CHARS) : start]
        annotation.suffix = text[end : end + CONTEXT_CHARS]
        fields += ["start", "end", "quote", "prefix", "suffix"]
    if "tag" in changes:
        annotation.tag = clean_tag(changes["tag"])
        fields.append("tag")
    if "verdict" in changes:
        annotation.verdict = scale.clean(changes["verdict"])
        fields.append("verdict")
    if "claimant" in changes:
        old = annotation.claimant
        annotation.claimant = clean_text_field(changes["claimant"], "claimant", MAX_CLAIMANT_CHARS)
        fields.append("claimant")
        if "claimant_type" not in changes and annotation.claimant.lower() != old.lower():
            # Another claimant: the old type does not carry over silently (as single edits).
            annotation.claimant_type = types.resolve(annotation.claimant, None)
            fields.append("claimant_type")
    if "claimant_type" in changes:
        annotation.claimant_type = clean_claimant_type(changes["claimant_type"])
        types.resolve(annotation.claimant, annotation.claimant_type)  # remembered for the rest
        fields.append("claimant_type")
    if "note" in changes:
        annotation.note = clean_text_field(changes["note"], "note", MAX_NOTE_CHARS)
        fields.append("note")
    if "evidence_urls" in changes:
        annotation.evidence_urls = clean_evidence(changes["evidence_urls"])
        fields.append("evidence_urls")
    return fields


def _open_assignments(article: Article, owners: Sequence[Any]) -> None:
    """Start (or continue) the owners' assignments, as a first single write does."""
    ids = {u.pk for u in owners}
    if not ids:
        return
    Assignment.objects.bulk_create(
        [Assignment(article=article, reviewer_id=uid) for uid in ids], ignore_conflicts=True
    )
    Assignment.objects.filter(
        article=article, reviewer_id__in=ids, status=AssignmentStatus.NEW
    ).update(status=AssignmentStatus.IN_PROGRESS, updated_at=timezone.now())
    if article.status == ArticleStatus.NEW:
        Article.objects.filter(pk=article.pk, status=ArticleStatus.NEW).update(
            status=ArticleStatus.IN_REVIEW
        )


def _save_new(
    article: Article, spans: list[Annotation], *, actor: Any, via: Via | str
) -> list[Annotation]:
    created = Annotation.objects.bulk_create(spans, batch_size=1000)
    AuditEvent.objects.bulk_create(
        [
            build_event(
                actor=actor,
                via=via,
                action="annotation.create",
                obj=span,
                article_id=article.pk,
                after=snapshot(span),
            )
            for span in created
        ],
        batch_size=1000,
    )
    return created


@transaction.atomic
def write_spans(
    *, user: Any, article: Article, spans: Sequence[Any], via: Via | str = Via.API
) -> list[Annotation]:
    """Create and update many of ``user``'s spans on one article, all or nothing.

    Each element is a dict: without ``id`` it creates a span (start, end, quote, tag, and
    optionally verdict, claimant, claimant_type, note, evidence_urls); with ``id`` it changes
    that span (any editable fields; ``version``, if given, must be the current version).
    Returns the annotations in the order given. Raises BulkSpanError (every invalid span
    listed), BulkStaleVersion, or NotAllowed (not a reviewer, article submitted or unassigned).
    """
    if not roles.is_reviewer(user):
        raise NotAllowed("Only reviewers can annotate.")
    if not isinstance(spans, list) or not spans:
        raise BulkSpanError([{"index": 0, "field": "spans", "message": "Give a list of spans."}])
    if len(spans) > MAX_SPANS_PER_REQUEST:
        raise BulkSpanError(
            [{"index": 0, "field": "spans", "message": f"At most {MAX_SPANS_PER_REQUEST}."}]
        )
    # Lock the article: a revision may not replace the text under us, as for single writes.
    article = Article.objects.select_for_update().get(pk=article.pk)
    assignment, _ = Assignment.objects.get_or_create(article=article, reviewer=user)
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise NotAllowed("You submitted this article; your annotations are read-only now.")
    if not assignment.active:
        raise NotAllowed("You were unassigned from this article.")
    scale = _Scale(article.verdict_scale_id)
    types = _ClaimantTypes(user, article)
    errors: list[dict[str, Any]] = []
    wanted_ids = [s["id"] for s in spans if isinstance(s, dict) and s.get("id") is not None]
    existing = {
        a.pk: a
        for a in Annotation.objects.select_for_update().filter(
            pk__in=[i for i in wanted_ids if isinstance(i, int) and not isinstance(i, bool)],
            article=article,
        )
    }
    new: list[tuple[int, Annotation]] = []
    changed: list[tuple[int, Annotation, list[str], dict[str, Any]]] = []
    stale: list[dict[str, Any]] = []
    seen_ids: set[int] = set()
    for index, item in enumerate(spans):
        try:
            if not isinstance(item, dict):
                raise AnnotationError("Each span must be an object.")
            values = dict(item)
            span_id = values.pop("id", None)
            version = values.pop("version", None)
            if span_id is None:
                new.append((index, _new_span(article, scale, user, values, types)))
                continue
            current = existing.get(span_id) if isinstance(span_id, int) else None
            if current is None or span_id in seen_ids:
                raise AnnotationError(
                    f"No annotation {span_id!r} on this article"
                    + (" (given twice)." if span_id in seen_ids else "."),
                    field="id",
                )
            seen_ids.add(span_id)
            if current.deleted_at is not None:
                raise AnnotationError("This annotation was deleted.", field="id")
            if current.kind != AnnotationKind.REVIEW or current.reviewer_id != user.pk:
                raise AnnotationError("You can change only your own annotations.", field="id")
            if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
                raise AnnotationError("version must be a whole number.", field="version")
            if version is not None and version != current.version:
                stale.append({"index": index, "id": current.pk, "current_version": current.version})
                continue
            current.article = article
            before = snapshot(current)
            fields = _apply(current, scale, values, types)
            if fields:
                changed.append((index, current, fields, before))
        except AnnotationError as exc:
            errors.append({"index": index, "field": exc.field, "message": exc.message})
    if errors:
        raise BulkSpanError(errors)
    if stale:
        raise BulkStaleVersion(stale)
    result: dict[int, Annotation] = {}
    for annotation in [*(a for _, a in new), *(a for _, a, _, _ in changed)]:
        claims_hooks.span_saving(annotation)  # claim matching, as for a single write
    created = _save_new(article, [a for _, a in new], actor=user, via=via)
    for (index, _), annotation in zip(new, created, strict=True):
        result[index] = annotation
    now = timezone.now()
    if changed:
        fields_union = sorted({f for _, _, fields, _ in changed for f in fields})
        for _, annotation, _, _ in changed:
            annotation.version += 1
            annotation.updated_at = now
        Annotation.objects.bulk_update(
            [a for _, a, _, _ in changed],
            [*fields_union, "version", "updated_at", claims_hooks.PENDING_FIELD],
        )
        AuditEvent.objects.bulk_create(
            [
                build_event(
                    actor=user,
                    via=via,
                    action="annotation.update",
                    obj=annotation,
                    article_id=article.pk,
                    before=before,
                    after=snapshot(annotation),
                )
                for _, annotation, _, before in changed
            ]
        )
    for index, annotation, _, _ in changed:
        result[index] = annotation
    for index, item in enumerate(spans):  # unchanged updates come back as they are
        if index not in result and isinstance(item, dict):
            result[index] = existing[item["id"]]
    if created:
        _open_assignments(article, [user])
    return [result[i] for i in range(len(spans))]


def _owners_by_name(names: set[str]) -> dict[str, Any]:
    """Active users with the reviewer role (or above), by username and by e-mail."""
    if not names:
        return {}
    user_model = get_user_model()
    found: dict[str, Any] = {}
    users = user_model.objects.filter(
        Q(username__in=names) | Q(email__in=[n for n in names if "@" in n]), is_active=True
    ).prefetch_related("groups")
    for user in users:
        if roles.is_reviewer(user):
            found[user.username] = user
            if user.email:
                found.setdefault(user.email, user)
    return found


def import_spans(
    *, batch: Sequence[tuple[Article, Sequence[Any]]], actor: Any
) -> list[ImportedSpans]:
    """Store the spans of imported articles; a bad span is rejected alone, with a reason.

    ``batch`` pairs each article with its records.SpanSpec list, already placed on
    ``article.text`` (checked again here: a span never points at text other than its quote).
    One result per pair, in order. A constant number of queries for the whole batch. Call
    inside the import's transaction. Ownership: see the module docstring.
    """
    names = {s.reviewer for _, specs in batch for s in specs if s.reviewer and not s.prediction}
    owners = _owners_by_name(names)
    blocked = set(
        Assignment.objects.filter(
            article_id__in=[a.pk for a, specs in batch if specs],
            reviewer_id__in={u.pk for u in owners.values()},
        )
        .filter(Q(status=AssignmentStatus.SUBMITTED) | Q(active=False))
        .values_list("article_id", "reviewer_id")
    )
    scales: dict[int, _Scale] = {}
    fallback: Any = None
    new: list[Annotation] = []
    to_open: list[tuple[Article, Any]] = []
    results: list[ImportedSpans] = []
    for article, specs in batch:
        problems: list[str] = []
        unknown: dict[str, int] = {}
        created = 0
        scale = scales.get(article.verdict_scale_id)
        if scale is None and specs:
            scale = scales[article.verdict_scale_id] = _Scale(article.verdict_scale_id)
        for spec in specs:
            owner = None if spec.prediction else owners.get(spec.reviewer)
            if owner is not None and (article.pk, owner.pk) in blocked:
                problems.append(
                    f"span {spec.number}: {owner.username} submitted or was unassigned from "
                    "this article; not imported."
                )
                continue
            if owner is None:
                if spec.reviewer and not spec.prediction:
                    unknown[spec.reviewer] = unknown.get(spec.reviewer, 0) + 1
                fallback = fallback or preannotation_user()
                owner = fallback
            values = {"start": spec.start, "end": spec.end, "quote": spec.quote, "tag": spec.tag}
            values.update(spec.fields)
            try:
                assert scale is not None
                new.append(_new_span(article, scale, owner, values))
            except AnnotationError as exc:
                problems.append(f"span {spec.number}: {exc.field}: {exc.message}")
                continue
            created += 1
            if owner is not fallback:
                to_open.append((article, owner))
        for name, count in unknown.items():
            problems.append(
                f"reviewer {name!r} is not a reviewer here: {count} span(s) owned by "
                f"{PREANNOTATION_USERNAME!r}."
            )
        results.append(ImportedSpans(created=created, problems=problems))
    if new:
        created_rows = bulk_insert(new)  # claim matching: when the job ends (import_finished)
        bulk_insert(
            [
                build_event(
                    actor=actor,
                    via=Via.TASK,
                    action="annotation.create",
                    obj=span,
                    article_id=span.article_id,
                    after={**snapshot(span), "imported": True},
                )
                for span in created_rows
            ]
        )
    if to_open:
        pairs = {(a.pk, u.pk) for a, u in to_open}
        Assignment.objects.bulk_create(
            [Assignment(article_id=a, reviewer_id=u) for a, u in pairs], ignore_conflicts=True
        )
        # One UPDATE per reviewer named in the batch (a handful), not one per article.
        articles_of: dict[int, set[int]] = {}
        for article_id, reviewer_id in pairs:
            articles_of.setdefault(reviewer_id, set()).add(article_id)
        for reviewer_id, article_ids in articles_of.items():
            Assignment.objects.filter(
                article_id__in=article_ids, reviewer_id=reviewer_id, status=AssignmentStatus.NEW
            ).update(status=AssignmentStatus.IN_PROGRESS, updated_at=timezone.now())
        Article.objects.filter(pk__in={a for a, _ in pairs}, status=ArticleStatus.NEW).update(
            status=ArticleStatus.IN_REVIEW
        )
    return results
