from __future__ import annotations

from django.urls import path

import annotations.ids  # noqa: F401  (registers the <dbid:...> converter)
from annotations.web import (
    adjudicate,
    agreement,
    assign,
    encoding,
    history,
    imports,
    revisions,
    tokens,
    verdicts,
    views,
)

urlpatterns = [
    path("", views.queue, name="queue"),
    path("articles/<dbid:pk>/", views.annotate, name="annotate"),
    path("healthz", views.healthz, name="healthz"),
    path("verdicts/<dbid:pk>/", verdicts.verdict_page, name="verdict-page"),
    path("imports/", imports.index, name="imports"),
    path("imports/upload", imports.upload, name="import-upload"),
    path("imports/urls", imports.from_urls, name="import-urls"),
    path("imports/<dbid:job_id>/", imports.detail, name="import-detail"),
    path("imports/<dbid:job_id>/progress.json", imports.progress, name="import-progress"),
    path(
        "imports/<dbid:job_id>/items/<dbid:item_id>/revise",
        imports.revise_item,
        name="import-item-revise",
    ),
    path("feeds/", imports.feeds, name="feeds"),
    path("feeds/<dbid:feed_id>/poll", imports.feed_poll, name="feed-poll"),
    path("articles/<dbid:article_id>/source/", imports.article_source, name="article-source"),
    path(
        "articles/<dbid:article_id>/source/encoding",
        encoding.article_encoding,
        name="article-encoding",
    ),
    path("agreement/", agreement.dashboard, name="agreement"),
    path("agreement/recompute/", agreement.recompute, name="agreement-recompute"),
    path("agreement/status.json", agreement.status, name="agreement-status"),
    path("agreement/export.csv", agreement.export_csv, name="agreement-csv"),
    path("assign/", assign.assign, name="assign"),
    path("adjudicate/", adjudicate.index, name="adjudicate_index"),
    path("articles/<dbid:pk>/adjudicate/", adjudicate.adjudicate, name="article_adjudicate"),
    path("articles/<dbid:pk>/outcome/", adjudicate.outcome, name="article_outcome"),
    path("articles/<dbid:pk>/history/", history.article_history, name="article_history"),
    path("settings/tokens/", tokens.token_list, name="api-tokens"),
    path("settings/tokens/<dbid:pk>/revoke/", tokens.token_revoke, name="api-token-revoke"),
    path("attention/", revisions.attention, name="attention"),
    path("attention/<dbid:pk>/confirm/", revisions.attention_confirm, name="attention-confirm"),
    path("attention/<dbid:pk>/fix/", revisions.attention_fix, name="attention-fix"),
    path("articles/<dbid:pk>/revisions/", revisions.article_revisions, name="article-revisions"),
]
