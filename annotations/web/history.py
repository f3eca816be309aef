"""The history timeline of an article, or of one annotation on it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from annotations.ids import parse_id
from annotations.models import Article
from annotations.services.history import changes, history

MAX_EVENTS = 1000


@login_required
def article_history(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.visible_to(request.user).defer("raw", "minhash"), pk=pk
    )
    raw = request.GET.get("annotation", "")
    annotation_id = parse_id(raw)
    events = list(
        history(request.user, article_id=article.pk, annotation_id=annotation_id)[:MAX_EVENTS]
    )
    rows = [{"event": e, "changes": changes(e)} for e in events]
    return render(
        request,
        "annotations/adjudicate/history.html",
        {"article": article, "rows": rows, "annotation_id": annotation_id, "cap": MAX_EVENTS},
    )
