"""The adjudicator's pages (index, side-by-side view with its actions) and a reviewer's outcome."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from annotations import roles
from annotations.ids import parse_id
from annotations.models import (
    Annotation,
    Article,
    ArticleStatus,
    Assignment,
    AssignmentStatus,
    Tag,
    Via,
)
from annotations.services import adjudication as adj
from annotations.services import publishing
from annotations.services.annotating import AnnotationError, NotAllowed

PAGE_SIZE = 50
WORK_STATUSES = (ArticleStatus.REVIEWED, ArticleStatus.ADJUDICATED, ArticleStatus.PUBLISHED)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Articles with submitted reviews, to adjudicate (reviewed first)."""
    if not roles.is_adjudicator(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    articles = (
        Article.objects.visible_to(request.user)
        .defer("text", "raw", "minhash", "removed_lines")
        .annotate(
            submissions=Count(
                "assignments", filter=Q(assignments__status=AssignmentStatus.SUBMITTED)
            ),
            assigned=Count("assignments", filter=Q(assignments__active=True)),
        )
        .filter(submissions__gt=0)
        .order_by("status", "-pk")
    )
    if status in ArticleStatus.values:
        articles = articles.filter(status=status)
    else:
        status = ""
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "annotations/adjudicate/index.html",
        {"page": page, "status": status, "statuses": ArticleStatus.choices},
    )


def _int(value: str | None) -> int | None:
    return parse_id(value)


def _span_fields(request: HttpRequest, article: Article) -> dict[str, Any]:
    start, end = _int(request.POST.get("start")), _int(request.POST.get("end"))
    quote = request.POST.get("quote", "")
    if not quote and start is not None and end is not None:
        # The form edits offsets; the quote follows them (check_span still checks the range).
        quote = article.text[start:end]
    evidence = [u for u in request.POST.get("evidence_urls", "").splitlines() if u.strip()]
    return {
        "start": start if start is not None else request.POST.get("start"),
        "end": end if end is not None else request.POST.get("end"),
        "quote": quote,
        "tag": request.POST.get("tag"),
        "verdict": request.POST.get("verdict") or None,
        "claimant": request.POST.get("claimant", ""),
        "claimant_type": request.POST.get("claimant_type", ""),
        "note": request.POST.get("note", ""),
        "evidence_urls": evidence,
    }


def _act(request: HttpRequest, article: Article) -> str:
    """Carry out one posted action; return the anchor to come back to."""
    op = request.POST.get("op", "")
    rationale = request.POST.get("rationale", "")
    by = request.user
    if op == "accept":
        final = adj.accept_version(
            by=by,
            article=article,
            annotation=_int(request.POST.get("annotation")) or 0,
            rationale=rationale,
            via=Via.UI,
        )
        messages.success(request, f"Accepted {final.based_on.reviewer.username}'s version.")
    elif op in ("edit", "write"):
        based_on = _int(request.POST.get("based_on")) if op == "edit" else None
        adj.write_final(
            by=by,
            article=article,
            rationale=rationale,
            based_on=based_on,
            via=Via.UI,
            **_span_fields(request, article),
        )
        messages.success(request, "Final annotation saved.")
    elif op == "delete_final":
        adj.delete_final(by=by, final=_int(request.POST.get("final")) or 0, via=Via.UI)
        messages.success(request, "Final annotation deleted.")
    elif op == "dismiss":
        adj.dismiss_item(
            by=by, article=article, item=request.POST.get("item", ""), rationale=rationale
        )
        messages.success(request, "Item dismissed.")
    elif op == "undismiss":
        adj.undismiss_item(by=by, article=article, item=request.POST.get("item", ""))
        messages.success(request, "Dismissal withdrawn.")
    elif op == "accept_agreed":
        created = adj.accept_all_agreed(by=by, article=article, via=Via.UI)
        messages.success(request, f"Accepted {len(created)} agreed item(s).")
    elif op == "mark":
        publishing.mark_adjudicated(by=by, article=article, via=Via.UI)
        messages.success(request, "Marked adjudicated.")
    elif op == "publish":
        publishing.publish(by=by, article=article, via=Via.UI)
        messages.success(request, "Published: the final verdicts are now official.")
    elif op == "unpublish":
        publishing.unpublish(
            by=by, article=article, reason=request.POST.get("reason", ""), via=Via.UI
        )
        messages.success(request, "Unpublished.")
    else:
        messages.error(request, "Unknown action.")
    return request.POST.get("anchor", "")


@login_required
def adjudicate(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.visible_to(request.user).select_related("verdict_scale"), pk=pk
    )
    if not roles.is_adjudicator(request.user):
        raise PermissionDenied
    if request.method == "POST":
        anchor = ""
        try:
            anchor = _act(request, article)
        except (AnnotationError, adj.AdjudicationError, NotAllowed) as exc:
            error = str(exc)
            if isinstance(exc, AnnotationError) and exc.field != "non_field_errors":
                error = f"{FIELD_LABELS.get(exc.field, exc.field)}: {exc.message}"
            if request.POST.get("op") in ("edit", "write"):
                # Show the form again with what was typed: a redirect would lose the edits.
                messages.error(request, f"Not saved. {error}")
                return _page(request, article, draft=_draft(request, article, error), status=400)
            messages.error(request, error)
        target = request.path + (f"#{anchor}" if re.fullmatch(r"[\w-]{1,80}", anchor) else "")
        return redirect(target)
    return _page(request, article)


FIELD_LABELS = {
    "start": "Start",
    "end": "End",
    "quote": "Quote",
    "tag": "Tag",
    "verdict": "Verdict",
    "claimant": "Claimant",
    "note": "Note",
    "evidence_urls": "Evidence URLs",
    "rationale": "Rationale",
    "based_on": "Based on",
}


def _draft(request: HttpRequest, article: Article, error: str) -> SimpleNamespace:
    """What the adjudicator typed into an edit/write form, to fill that form again."""
    post = request.POST
    slug = post.get("verdict", "")
    verdict_id = (
        article.verdict_scale.labels.filter(slug=slug).values_list("pk", flat=True).first()
        if slug
        else None
    )
    return SimpleNamespace(
        op=post.get("op", ""),
        based_on=_int(post.get("based_on")),
        start=post.get("start", ""),
        end=post.get("end", ""),
        quote=post.get("quote", ""),
        tag=post.get("tag", ""),
        verdict_id=verdict_id,
        claimant=post.get("claimant", ""),
        claimant_type=post.get("claimant_type", ""),
        note=post.get("note", ""),
        evidence_urls=post.get("evidence_urls", ""),
        draft_rationale=post.get("rationale", ""),
        error=error,
    )


def _page(
    request: HttpRequest,
    article: Article,
    *,
    draft: SimpleNamespace | None = None,
    status: int = 200,
) -> HttpResponse:
    article.refresh_from_db()
    items = adj.adjudication_view(article)
    reviewers = adj.submitted_reviewers(article)
    for item in items:
        item.columns = [(name, item.members.get(name)) for name in item.reviewers]
    pending = list(
        Assignment.objects.filter(article=article, active=True)
        .exclude(status=AssignmentStatus.SUBMITTED)
        .values_list("reviewer__username", flat=True)
    )
    return render(
        request,
        "annotations/adjudicate/adjudicate.html",
        {
            "article": article,
            "items": items,
            "reviewers": reviewers,
            "pending": pending,
            "open_count": sum(not i.resolved for i in items),
            "conflict_count": sum(i.status == "conflict" for i in items),
            "loose_finals": adj.unattached_finals(article, items),
            "labels": list(article.verdict_scale.labels.all()),
            "tags": Tag.choices,
            "items_data": [
                {"key": i.key, "start": i.start, "end": i.end, "status": i.status} for i in items
            ],
            "draft": draft,
        },
        status=status,
    )


@login_required
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer's spans beside the final verdicts, once they submitted (the feedback loop)."""
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
    submitted = Assignment.objects.filter(
        article=article, reviewer=request.user, status=AssignmentStatus.SUBMITTED
    ).exists()
    if not submitted and article.status != ArticleStatus.PUBLISHED:
        raise Http404("You see the outcome of an article once you have submitted it.")
    finals = list(
        Annotation.objects.visible_to(request.user)
        .alive()
        .finals()
        .filter(article=article)
        .select_related("verdict", "based_on__reviewer")
    )
    mine = list(
        Annotation.objects.alive()
        .reviews()
        .filter(article=article, reviewer=request.user)
        .select_related("verdict")
    )
    rows = []
    for span in mine:
        match = next((f for f in finals if f.based_on_id == span.pk), None) or next(
            (f for f in finals if f.start < span.end and span.start < f.end), None
        )
        same = bool(
            match
            and (match.start, match.end, match.tag, match.verdict_id)
            == (span.start, span.end, span.tag, span.verdict_id)
        )
        rows.append({"span": span, "final": match, "same": same})
    used = {row["final"].pk for row in rows if row["final"]}
    return render(
        request,
        "annotations/adjudicate/outcome.html",
        {
            "article": article,
            "rows": rows,
            "missed": [f for f in finals if f.pk not in used],
            "settled": article.status in (ArticleStatus.ADJUDICATED, ArticleStatus.PUBLISHED),
        },
    )
