"""The admin-facing import pages: start imports, watch their progress, feeds, article sources.

Thin: every change goes through annotations.services.imports. Only admins may import; other
logged-in users get 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from annotations import roles
from annotations.ids import parse_id
from annotations.models import Article, Feed, ImportJob
from annotations.services import imports, revisions
from annotations.services.reencoding import encoding_choices


def admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not roles.is_admin(request.user):
            raise PermissionDenied("Only admins can import articles.")
        return view(request, *args, **kwargs)

    return wrapped


def _page(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    jobs = list(ImportJob.objects.visible_to(request.user)[:20])
    context = {
        "rows": [(job, imports.job_progress(job, limit=0, refresh=False)) for job in jobs],
        "extensions": ", ".join(imports.SUPPORTED_EXTENSIONS),
        **extra,
    }
    return render(request, "annotations/imports/index.html", context, status=status)


def _whole(value: str) -> int:
    """A whole number from a form field, or ValueError (never a 500 for "¹" or 5,000 digits)."""
    number = parse_id(value.strip())
    if number is None:
        raise ValueError(f"Not a whole number: {value[:20]!r}")
    return number


@admin_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _page(request)


@admin_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    files = [(f.name, f) for f in request.FILES.getlist("files")]
    try:
        job = imports.start_upload_import(
            user=request.user, files=files, source=request.POST.get("source", "").strip()
        )
    except imports.ImportRequestError as exc:
        return _page(request, status=400, upload_error=str(exc))
    messages.success(request, f"Import #{job.pk} queued ({job.total} file(s)).")
    return redirect("import-detail", job_id=job.pk)


@admin_required
@require_POST
def from_urls(request: HttpRequest) -> HttpResponse:
    urls = request.POST.get("urls", "").split()
    try:
        job = imports.start_url_import(
            user=request.user, urls=urls, source=request.POST.get("source", "").strip()
        )
    except imports.ImportRequestError as exc:
        return _page(request, status=400, url_error=str(exc), urls=request.POST.get("urls", ""))
    messages.success(request, f"Import #{job.pk} queued ({job.total} URL(s)).")
    return redirect("import-detail", job_id=job.pk)


@admin_required
@require_GET
def detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=job_id)
    progress = imports.job_progress(job, limit=500)
    return render(request, "annotations/imports/detail.html", {"job": job, "progress": progress})


@admin_required
@require_GET
def progress(request: HttpRequest, job_id: int) -> JsonResponse:
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=job_id)
    offset = parse_id(request.GET.get("offset", "0"))
    limit = parse_id(request.GET.get("limit", "100"))
    if offset is None or limit is None:
        return JsonResponse({"error": "offset and limit must be whole numbers."}, status=400)
    return JsonResponse(imports.job_progress(job, offset=offset, limit=limit))


@admin_required
@require_POST
def revise_item(request: HttpRequest, job_id: int, item_id: int) -> HttpResponse:
    """ "Revise article N with this text": a near-duplicate import becomes a revision of N."""
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=job_id)
    item = get_object_or_404(job.items, pk=item_id)
    try:
        result = revisions.revise_with_near_duplicate(by=request.user, item_id=item.pk)
    except revisions.RevisionError as exc:
        messages.error(request, f"Not revised: {exc}")
    else:
        attention = (
            f" {result.needs_attention} annotation(s) need attention."
            if result.needs_attention
            else ""
        )
        messages.success(
            request,
            f"Article {result.article_id} is now at revision {result.new_revision}; its "
            f"annotations were re-anchored.{attention}",
        )
    return redirect("import-detail", job_id=job.pk)


# --- feeds -----------------------------------------------------------------------------------


@admin_required
def feeds(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            interval = _whole(request.POST.get("interval_minutes") or "60")
            feed = imports.register_feed(
                user=request.user,
                url=request.POST.get("url", ""),
                source=request.POST.get("source", "").strip(),
                interval_minutes=interval,
            )
        except ValueError as exc:  # ImportRequestError, or a non-number interval
            error = (
                str(exc)
                if isinstance(exc, imports.ImportRequestError)
                else "The poll interval must be a whole number of minutes."
            )
        else:
            messages.success(request, f"Feed {feed.url} registered; it is polled within a minute.")
            return redirect("feeds")
    context = {"feeds": Feed.objects.all(), "error": error, "form": request.POST}
    return render(request, "annotations/imports/feeds.html", context, status=400 if error else 200)


@admin_required
@require_POST
def feed_poll(request: HttpRequest, feed_id: int) -> HttpResponse:
    feed = get_object_or_404(Feed, pk=feed_id)
    job = imports.poll_feed_now(feed=feed, user=request.user)
    if job is None:
        messages.info(request, "This feed is being polled already.")
        return redirect("feeds")
    return redirect("import-detail", job_id=job.pk)


# --- article source and removed lines --------------------------------------------------------


@admin_required
def article_source(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=article_id)
    error = ""
    if request.method == "POST":
        try:
            lines = [_whole(n) for n in request.POST.getlist("line")]
            imports.restore_removed_lines(
                article_id=article.pk, line_numbers=lines, user=request.user
            )
        except ValueError as exc:  # RestoreError, or a forged non-number
            error = str(exc) if isinstance(exc, imports.RestoreError) else "Bad line number."
        else:
            messages.success(request, f"Restored {len(lines)} line(s) as a new revision.")
            return redirect("article-source", article_id=article.pk)
        article.refresh_from_db()
    context = {
        "article": article,
        "has_annotations": article.annotations.exists(),
        "error": error,
        "revisions": article.revisions.all(),
        "encoding_choices": encoding_choices(article),
    }
    return render(
        request, "annotations/imports/article_source.html", context, status=400 if error else 200
    )
