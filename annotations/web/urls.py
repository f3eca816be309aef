from __future__ import annotations

from django.urls import path

from annotations.web import imports, views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("healthz", views.healthz, name="healthz"),
    path("imports/", imports.index, name="imports"),
    path("imports/upload", imports.upload, name="import-upload"),
    path("imports/urls", imports.from_urls, name="import-urls"),
    path("imports/<int:job_id>/", imports.detail, name="import-detail"),
    path("imports/<int:job_id>/progress.json", imports.progress, name="import-progress"),
    path("feeds/", imports.feeds, name="feeds"),
    path("feeds/<int:feed_id>/poll", imports.feed_poll, name="feed-poll"),
    path("articles/<int:article_id>/source/", imports.article_source, name="article-source"),
]
