"""Re-decode an article's input with a chosen encoding (the form on the article source page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from annotations.models import Article, Via
from annotations.services.reencoding import ReencodeError, reencode_article
from annotations.web.imports import admin_required


@admin_required
@require_POST
def article_encoding(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=article_id)
    encoding = request.POST.get("encoding", "").strip()
    before = article.revision
    try:
        article = reencode_article(
            article_id=article.pk, encoding=encoding, user=request.user, via=Via.UI
        )
    except ReencodeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Re-imported with {article.raw_encoding}: the text is now revision "
            f"{article.revision} and its annotations were re-anchored."
            if article.revision != before
            else f"The text reads the same in {article.raw_encoding}; the encoding is recorded.",
        )
    return redirect("article-source", article_id=article_id)
