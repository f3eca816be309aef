"""Adjudication: align the reviewers' submitted spans, settle each item, and keep the result.

The result of adjudication is a set of **final annotations** (``kind=final``; ``reviewer`` is
the adjudicator; ``based_on`` the reviewer annotation that was accepted or edited, or empty for
a span the adjudicator wrote; ``rationale`` says why). Publishing them (see
``annotations.services.publishing``) makes them the official verdicts REST clients receive.

Items come from ``annotations.agreement.spans.align_items``, the same alignment rule the
agreement metrics use, over the *submitted* review annotations. An item is **resolved** when a
final annotation is attached to it, or **dismissed** with a rationale. A final is attached to
the item holding its ``based_on``; a final with no ``based_on`` (or one that points outside
every item) is attached to every item it overlaps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from annotations import roles
from annotations.agreement.spans import Span, align_items
from annotations.models import (
    Annotation,
    AnnotationState,
    Article,
    ArticleStatus,
    Assignment,
    AssignmentStatus,
    ItemDismissal,
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
    StaleVersion,
    apply_changes,
    check_span,
    clean_evidence,
    clean_tag,
    clean_text_field,
    clean_verdict,
    resolve_claimant_type,
    save_versioned,
    snapshot,
)
from annotations.services.audit import record

CONFLICT_KINDS = ("boundaries", "tag", "verdict", "claimant", "partial")
MAX_RATIONALE_CHARS = 10_000


class AdjudicationError(ValueError):
    """The adjudication step cannot be taken in the article's current state (HTTP 409)."""


@dataclass
class Item:
    """One aligned item: at most one span per reviewer, and how it stands."""

    key: str
    start: int
    end: int
    members: dict[str, Annotation]
    reviewers: list[str]
    conflicts: list[str]
    finals: list[Annotation] = field(default_factory=list)
    dismissal: ItemDismissal | None = None

    @property
    def status(self) -> str:
        return "conflict" if self.conflicts else "agreed"

    @property
    def resolved(self) -> bool:
        return bool(self.finals) or self.dismissal is not None

    @property
    def missing(self) -> list[str]:
        """Reviewers who submitted the article but did not mark this item."""
        return [r for r in self.reviewers if r not in self.members]

    def merged_claimant(self) -> str:
        """The claimant the reviewers gave (agreed items differ at most by blank ones)."""
        return next((a.claimant for a in self.members.values() if a.claimant.strip()), "")

    def merged_claimant_type(self) -> str:
        """The type the reviewers gave the claimant, when they agree on one (else unknown)."""
        types = {a.claimant_type for a in self.members.values() if a.claimant_type}
        return types.pop() if len(types) == 1 else ""


def final_snapshot(annotation: Annotation) -> dict[str, Any]:
    """The audited view of a final annotation: a review snapshot plus what it settles."""
    return {
        **snapshot(annotation),
        "kind": annotation.kind,
        "based_on": annotation.based_on_id,
        "rationale": annotation.rationale,
    }


def require_adjudicator(user: Any) -> None:
    if not roles.is_adjudicator(user):
        raise NotAllowed("Only adjudicators and admins can adjudicate.")


def _norm_claimant(value: str) -> str:
    return " ".join(value.split()).casefold()


def _conflicts(members: Mapping[str, Annotation], reviewers: list[str]) -> list[str]:
    spans = list(members.values())
    found = []
    if len({(a.start, a.end) for a in spans}) > 1:
        found.append("boundaries")
    if len({a.tag for a in spans}) > 1:
        found.append("tag")
    if len({a.verdict_id for a in spans}) > 1:
        found.append("verdict")
    # A blank claimant is "not said", not a disagreement.
    if len({_norm_claimant(a.claimant) for a in spans if a.claimant.strip()}) > 1:
        found.append("claimant")
    if len(members) < len(reviewers):
        found.append("partial")
    return found


def item_key(annotations: Any) -> str:
    return "-".join(str(pk) for pk in sorted(a.pk for a in annotations))


def submitted_reviewers(article: Article) -> list[str]:
    return sorted(
        Assignment.objects.filter(article=article, status=AssignmentStatus.SUBMITTED)
        .select_related("reviewer")
        .values_list("reviewer__username", flat=True)
    )


def adjudication_view(article: Article) -> list[Item]:
    """The aligned items of an article: conflicts first, then in text order.

    Only submitted, live review annotations take part (a reviewer's drafts are not theirs to
    judge yet). Each item lists its members per reviewer, its conflict kinds (different
    boundaries, tags, verdicts or claimants, or ``partial``: marked by only some of the
    reviewers who submitted), and the final annotations or dismissal that settle it.
    """
    reviewers = submitted_reviewers(article)
    reviews = list(
        Annotation.objects.alive()
        .reviews()
        .filter(article=article, state=AnnotationState.SUBMITTED)
        .select_related("reviewer", "verdict")
    )
    by_span: dict[int, Annotation] = {}
    spans = []
    for annotation in reviews:
        span = Span(
            annotation.reviewer.username,
            annotation.start,
            annotation.end,
            annotation.tag,
            annotation.verdict.slug if annotation.verdict_id else None,
        )
        # align_items returns the very Span objects it was given, so identity maps back.
        by_span[id(span)] = annotation
        spans.append(span)
    reviewers = sorted(set(reviewers) | {s.reviewer for s in spans})
    items = []
    for aligned in align_items(spans):
        members = {name: by_span[id(span)] for name, span in aligned.items()}
        items.append(
            Item(
                key=item_key(members.values()),
                start=min(a.start for a in members.values()),
                end=max(a.end for a in members.values()),
                members=members,
                reviewers=reviewers,
                conflicts=_conflicts(members, reviewers),
            )
        )
    _attach_resolutions(article, items)
    items.sort(key=lambda i: (i.status != "conflict", i.start, i.end, i.key))
    return items


def _attach_resolutions(article: Article, items: list[Item]) -> list[Annotation]:
    """Attach finals and dismissals to items; return the finals attached to no item."""
    finals = list(
        Annotation.objects.alive()
        .finals()
        .filter(article=article)
        .select_related("reviewer", "verdict", "based_on__reviewer")
    )
    owner = {a.pk: item for item in items for a in item.members.values()}
    loose = []
    for final in finals:
        item = owner.get(final.based_on_id) if final.based_on_id else None
        if item is not None:
            item.finals.append(final)
            continue
        hits = [i for i in items if i.start < final.end and final.start < i.end]
        for hit in hits:
            hit.finals.append(final)
        if not hits:
            loose.append(final)
    dismissals = {
        d.item_key: d
        for d in ItemDismissal.objects.filter(article=article, withdrawn_at__isnull=True)
    }
    for item in items:
        item.dismissal = dismissals.get(item.key)
    return loose


def unattached_finals(article: Article, items: list[Item]) -> list[Annotation]:
    """Final annotations on spans no reviewer marked (written new by the adjudicator)."""
    attached = {f.pk for item in items for f in item.finals}
    return list(
        Annotation.objects.alive()
        .finals()
        .filter(article=article)
        .exclude(pk__in=attached)
        .select_related("reviewer", "verdict")
    )


def _lock_article(article: Article) -> Article:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status == ArticleStatus.PUBLISHED:
        raise AdjudicationError(
            "The verdicts of this article are published; unpublish it to change them."
        )
    return locked


def _clean_rationale(rationale: Any, *, required: bool = False) -> str:
    value = clean_text_field(rationale, "rationale", MAX_RATIONALE_CHARS).strip()
    if required and not value:
        raise AnnotationError("Give a rationale.", field="rationale")
    return value


def _submitted_review(article: Article, annotation: Any) -> Annotation:
    if isinstance(annotation, Annotation):
        annotation = annotation.pk
    found = (
        Annotation.objects.alive()
        .reviews()
        .filter(pk=annotation, article=article, state=AnnotationState.SUBMITTED)
        .select_related("reviewer", "verdict")
        .first()
    )
    if found is None:
        raise AnnotationError(
            f"based_on must be a submitted reviewer annotation of article {article.pk}.",
            field="based_on",
        )
    return found


def _reopen_if_needed(by: Any, article: Article, via: Via | str) -> None:
    """An adjudicated article whose items are no longer all settled goes back to reviewed."""
    if article.status != ArticleStatus.ADJUDICATED:
        return
    open_items = [i for i in adjudication_view(article) if not i.resolved]
    if open_items:
        article.status = ArticleStatus.REVIEWED
        article.save(update_fields=["status", "updated_at"])
        record(
            actor=by,
            via=via,
            action="article.reopen",
            obj=article,
            article_id=article.pk,
            before={"status": ArticleStatus.ADJUDICATED},
            after={"status": ArticleStatus.REVIEWED, "open_items": len(open_items)},
        )


def _soft_delete_final(by: Any, final: Annotation, via: Via | str, note: str = "") -> None:
    before = final_snapshot(final)
    final.deleted_at = timezone.now()
    save_versioned(
        final,
        ["deleted_at"],
        actor=by,
        via=via,
        action="final.delete",
        before=before,
        after=final_snapshot,
        note=note,
    )


@transaction.atomic
def write_final(
    *,
    by: Any,
    article: Article,
    start: Any,
    end: Any,
    quote: Any,
    tag: Any,
    verdict: Any = None,
    claimant: Any = "",
    claimant_type: Any = None,
    note: Any = "",
    evidence_urls: Any = None,
    rationale: Any = "",
    based_on: Any = None,
    via: Via | str = Via.UI,
) -> Annotation:
    """Store a final annotation ("edit and accept" when ``based_on`` is given, else "write new").

    Validated like a reviewer's span (code-point offsets, quote, tag, verdict on the scale).
    With ``based_on``, any earlier final settling the same item is replaced (soft-deleted and
    recorded), so an item has one final verdict at a time.
    """
    require_adjudicator(by)
    article = _lock_article(article)
    text = article.text
    start, end, quote = check_span(text, start, end, quote)
    final = Annotation(
        article=article,
        reviewer=by,
        kind=AnnotationKind.FINAL,
        state=AnnotationState.SUBMITTED,
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
        rationale=_clean_rationale(rationale),
    )
    final.claimant_type = resolve_claimant_type(
        user=by, article=article, claimant=final.claimant, value=claimant_type
    )
    replaced: list[Annotation] = []
    if based_on is not None:
        source = _submitted_review(article, based_on)
        final.based_on = source
        items = adjudication_view(article)
        item = next((i for i in items if source in i.members.values()), None)
        if item is not None:
            replaced = [f for f in item.finals if f.based_on_id is not None]
            if item.dismissal is not None:
                _withdraw(by, article, item.dismissal, via, note="settled by a final annotation")
    final.save()
    for old in replaced:
        _soft_delete_final(by, old, via, note=f"replaced by final {final.pk}")
    record(
        actor=by,
        via=via,
        action="final.create",
        obj=final,
        article_id=article.pk,
        after=final_snapshot(final),
    )
    _reopen_if_needed(by, article, via)
    return final


def accept_version(
    *,
    by: Any,
    article: Article,
    annotation: Annotation | int,
    rationale: Any = "",
    via: Via | str = Via.UI,
) -> Annotation:
    """Make one reviewer's submitted annotation the final one, as it is."""
    require_adjudicator(by)
    source = _submitted_review(article, annotation)
    return write_final(
        by=by,
        article=article,
        start=source.start,
        end=source.end,
        quote=source.quote,
        tag=source.tag,
        verdict=source.verdict.slug if source.verdict_id else None,
        claimant=source.claimant,
        claimant_type=source.claimant_type or None,
        note=source.note,
        evidence_urls=list(source.evidence_urls),
        rationale=rationale,
        based_on=source,
        via=via,
    )


def _lock_final(final: Annotation | int, expected_version: int | None) -> Annotation:
    pk = final.pk if isinstance(final, Annotation) else final
    current = (
        # Lock the annotation row only: PostgreSQL refuses FOR UPDATE on the outer join to a
        # nullable verdict.
        Annotation.objects.select_for_update(of=("self",))
        .select_related("article", "verdict")
        .filter(pk=pk, kind=AnnotationKind.FINAL)
        .first()
    )
    if current is None:
        raise AnnotationError(f"No final annotation {pk}.", field="id")
    if current.deleted_at is not None:
        raise AnnotationError("This final annotation was deleted.")
    _lock_article(current.article)
    if expected_version is not None and expected_version != current.version:
        raise StaleVersion(current)
    return current


@transaction.atomic
def update_final(
    *,
    by: Any,
    final: Annotation | int,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
    via: Via | str = Via.UI,
) -> Annotation:
    """Edit a final annotation (the same fields as a reviewer's, plus ``rationale``)."""
    require_adjudicator(by)
    unknown = set(changes) - {*EDITABLE_FIELDS, "rationale"}
    if unknown:
        raise AnnotationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    current = _lock_final(final, expected_version)
    before = final_snapshot(current)
    fields = apply_changes(current, {k: v for k, v in changes.items() if k != "rationale"})
    if "rationale" in changes:
        current.rationale = _clean_rationale(changes["rationale"])
        fields.append("rationale")
    if not fields:
        return current
    save_versioned(
        current,
        fields,
        actor=by,
        via=via,
        action="final.update",
        before=before,
        after=final_snapshot,
    )
    return current


@transaction.atomic
def delete_final(
    *,
    by: Any,
    final: Annotation | int,
    expected_version: int | None = None,
    via: Via | str = Via.UI,
) -> Annotation:
    """Soft-delete a final annotation; it stays in history and as a sync tombstone."""
    require_adjudicator(by)
    current = _lock_final(final, expected_version)
    _soft_delete_final(by, current, via)
    _reopen_if_needed(by, current.article, via)
    return current


@transaction.atomic
def accept_all_agreed(*, by: Any, article: Article, via: Via | str = Via.UI) -> list[Annotation]:
    """Pre-merge in one step: every agreed, unsettled item becomes a final annotation."""
    require_adjudicator(by)
    _lock_article(article)
    created = []
    for item in adjudication_view(article):
        if item.status != "agreed" or item.resolved:
            continue
        source = next(iter(item.members.values()))
        created.append(
            write_final(
                by=by,
                article=article,
                start=source.start,
                end=source.end,
                quote=source.quote,
                tag=source.tag,
                verdict=source.verdict.slug if source.verdict_id else None,
                claimant=item.merged_claimant(),
                claimant_type=item.merged_claimant_type() or None,
                note=source.note,
                evidence_urls=list(source.evidence_urls),
                rationale=f"All {len(item.reviewers)} reviewers agreed.",
                based_on=source,
                via=via,
            )
        )
    return created


def _find_item(article: Article, key: str) -> Item:
    for item in adjudication_view(article):
        if item.key == key:
            return item
    raise AnnotationError(
        f"No item {key!r} on article {article.pk}; reload the adjudication view.", field="item"
    )


def _withdraw(
    by: Any, article: Article, dismissal: ItemDismissal, via: Via | str, note: str = ""
) -> None:
    dismissal.withdrawn_at = timezone.now()
    dismissal.save(update_fields=["withdrawn_at"])
    record(
        actor=by,
        via=via,
        action="item.undismiss",
        obj=dismissal,
        article_id=article.pk,
        before={"item": dismissal.item_key, "rationale": dismissal.rationale},
        after=None,
        note=note,
    )


@transaction.atomic
def dismiss_item(
    *, by: Any, article: Article, item: str, rationale: Any, via: Via | str = Via.UI
) -> ItemDismissal:
    """Settle an item with no final annotation (e.g. not a check-worthy claim), saying why."""
    require_adjudicator(by)
    article = _lock_article(article)
    reason = _clean_rationale(rationale, required=True)
    found = _find_item(article, item)
    if found.finals:
        raise AdjudicationError("This item has a final annotation; delete it before dismissing.")
    if found.dismissal is not None:
        raise AdjudicationError("This item is already dismissed.")
    dismissal = ItemDismissal.objects.create(
        article=article, item_key=found.key, rationale=reason, dismissed_by=by
    )
    record(
        actor=by,
        via=via,
        action="item.dismiss",
        obj=dismissal,
        article_id=article.pk,
        after={
            "item": found.key,
            "rationale": reason,
            "spans": {name: [a.start, a.end, a.quote] for name, a in found.members.items()},
        },
    )
    return dismissal


@transaction.atomic
def undismiss_item(
    *, by: Any, article: Article, item: str, via: Via | str = Via.UI
) -> ItemDismissal:
    """Take back a dismissal: the item is open again."""
    require_adjudicator(by)
    article = _lock_article(article)
    dismissal = ItemDismissal.objects.filter(
        article=article, item_key=item, withdrawn_at__isnull=True
    ).first()
    if dismissal is None:
        raise AnnotationError(f"Item {item!r} is not dismissed.", field="item")
    _withdraw(by, article, dismissal, via)
    _reopen_if_needed(by, article, via)
    return dismissal
