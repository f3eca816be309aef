"""Web UI views: thin; reads go through visible_to, writes through services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from annotations.models import Article


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.visible_to(request.user).order_by("-published_at", "-pk")
    return render(request, "annotations/queue.html", {"articles": articles})


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
