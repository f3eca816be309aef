"""Web pages for text revisions: the "Needs attention" queue and an article's revisions."""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from annotations.ids import parse_id
from annotations.models import AnchorStatus, Annotation, Article, AuditEvent, Via
from annotations.services.annotating import AnnotationError, NotAllowed, StaleVersion
from annotations.services.revisions import attention_queue, resolve_anchor, revision_history

QUEUE_PAGE = 200
# The diff is shown sentence by sentence: a paragraph is one line, and a changed word would
# otherwise mark the whole paragraph as replaced.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _diff_lines(text: str) -> list[str]:
    return [part for line in text.splitlines() for part in _SENTENCE_END.split(line)]


def _previous_quotes(annotations: list[Annotation]) -> dict[int, str]:
    """The quote each annotation had before its latest re-anchoring (one query)."""
    events = AuditEvent.objects.filter(
        action="annotation.reanchor",
        object_type="annotation",
        object_id__in=[a.pk for a in annotations],
    ).order_by("pk")
    quotes: dict[int, str] = {}
    for object_id, before in events.values_list("object_id", "before"):
        if isinstance(before, dict) and "quote" in before:
            quotes[object_id] = before["quote"]  # later events overwrite earlier ones
    return quotes


@login_required
def attention(request: HttpRequest) -> HttpResponse:
    """Fuzzy and orphaned anchors to confirm or fix: a reviewer's own, all for adjudicators."""
    queue = attention_queue(request.user)
    total = queue.count()
    items = list(queue[:QUEUE_PAGE])
    previous = _previous_quotes(items)
    rows = []
    for a in items:
        orphan = a.anchor_status == AnchorStatus.ORPHANED
        rows.append(
            {
                "annotation": a,
                "orphan": orphan,
                "was": previous.get(a.pk, a.quote),
                # An orphan's stored context is the old text's; a fuzzy one's is the new text's.
                "before": a.prefix,
                "candidate": None if orphan else a.quote,
                "after": a.suffix,
            }
        )
    return render(
        request,
        "annotations/revisions/attention.html",
        {"rows": rows, "total": total, "shown": len(rows)},
    )


def _annotation_for(request: HttpRequest, pk: int) -> Annotation:
    return get_object_or_404(Annotation.objects.visible_to(request.user).alive(), pk=pk)


def _whole_number(value: str | None) -> Any:
    """An int if the form field holds one; otherwise the raw value, which the service refuses
    with a message naming the field."""
    number = parse_id(value.strip().removeprefix("-")) if value is not None else None
    if number is None:
        return value
    return -number if value.strip().startswith("-") else number


@login_required
@require_POST
def attention_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _annotation_for(request, pk)
    try:
        resolve_anchor(user=request.user, annotation=annotation, action="confirm", via=Via.UI)
    except (AnnotationError, NotAllowed, StaleVersion) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Confirmed the new place of “{annotation.quote[:60]}”.")
    return redirect("attention")


@login_required
def attention_fix(request: HttpRequest, pk: int) -> HttpResponse:
    """Select the text an annotation should now cover (code points of the current text)."""
    annotation = _annotation_for(request, pk)
    article = annotation.article
    if request.method == "POST":
        try:
            resolve_anchor(
                user=request.user,
                annotation=annotation,
                action="fix",
                start=_whole_number(request.POST.get("start")),
                end=_whole_number(request.POST.get("end")),
                quote=request.POST.get("quote", ""),
                via=Via.UI,
            )
        except (AnnotationError, NotAllowed, StaleVersion) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Anchor fixed.")
            return redirect("attention")
    text = article.text
    placed = annotation.anchor_status != AnchorStatus.ORPHANED and (
        text[annotation.start : annotation.end] == annotation.quote
    )
    return render(
        request,
        "annotations/revisions/fix.html",
        {
            "annotation": annotation,
            "article": article,
            "before": text[: annotation.start] if placed else text,
            "candidate": annotation.quote if placed else "",
            "after": text[annotation.end :] if placed else "",
            "placed": placed,
            "article_text": text,
        },
    )


@login_required
def article_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    """An article's revisions with per-revision anchor counts and a line diff of one step."""
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
    history = revision_history(article, with_text=True)
    numbers = [r["number"] for r in history]
    shown = parse_id(request.GET.get("diff")) or numbers[-1]
    if shown not in numbers[1:]:
        shown = numbers[-1]
    diff = ""
    if len(history) > 1:
        new = history[numbers.index(shown)]
        old = history[numbers.index(shown) - 1]
        # HtmlDiff escapes the text (&, <, >) itself; the table markup is its own.
        diff = difflib.HtmlDiff(wrapcolumn=70).make_table(
            _diff_lines(old["text"]),
            _diff_lines(new["text"]),
            f"Revision {old['number']}",
            f"Revision {new['number']}",
            context=True,
            numlines=1,
        )
    for row in history:
        row.pop("text")
    return render(
        request,
        "annotations/revisions/article.html",
        {"article": article, "history": history, "shown": shown, "diff": mark_safe(diff)},
    )
