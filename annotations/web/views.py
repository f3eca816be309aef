"""Web UI views: thin; reads go through visible_to, writes through services (via the API)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import ensure_csrf_cookie

from annotations import roles
from annotations.models import Article, AssignmentStatus, Tag
from annotations.services import reviewing

QUEUE_PAGE_SIZE = 25


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The reviewer's queue: their articles with status and counts, searchable."""
    query = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("status", "")
    if status not in AssignmentStatus.values:
        status = ""
    articles = reviewing.reviewer_queue(user=request.user, query=query, status=status)
    page = Paginator(articles, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "annotations/queue.html",
        {
            "page": page,
            "query": query,
            "status": status,
            "counts": reviewing.queue_counts(user=request.user),
            "statuses": AssignmentStatus.choices,
            "is_reviewer": roles.is_reviewer(request.user),
            "assignment_mode": settings.FACTCHECK_ASSIGNMENT_MODE,
        },
    )


@login_required
@ensure_csrf_cookie
def annotate(request: HttpRequest, pk: int) -> HttpResponse:
    """The annotate page. Data arrives with the page; the page writes through the REST API."""
    article = get_object_or_404(
        Article.objects.visible_to(request.user).select_related("verdict_scale"), pk=pk
    )
    labels = list(article.verdict_scale.labels.all())
    my_status, writable = reviewing.my_assignment(user=request.user, article=article)
    can_annotate = roles.is_reviewer(request.user) and writable
    workspace = {
        "article": {
            "id": article.pk,
            "title": article.title,
            "text": article.text,
        },
        "annotations": reviewing.workspace_annotations(user=request.user, article=article),
        "labels": [{"slug": label.slug, "name": label.name} for label in labels],
        "tags": [{"value": value, "label": label} for value, label in Tag.choices],
        "user": request.user.get_username(),
        "readonly": not can_annotate,
        "status": my_status,
        "blind": settings.FACTCHECK_BLIND_REVIEW,
        "csrf": get_token(request),
    }
    return render(
        request,
        "annotations/annotate.html",
        {
            "article": article,
            "labels": labels,
            "workspace": workspace,
            "my_status": my_status,
            "status_label": AssignmentStatus(my_status).label,
            "can_annotate": can_annotate,
            "user_is_reviewer": roles.is_reviewer(request.user),
            "blind": settings.FACTCHECK_BLIND_REVIEW,
        },
    )


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
