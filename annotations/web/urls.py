from __future__ import annotations

from django.urls import path

from annotations.web import revisions, views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("healthz", views.healthz, name="healthz"),
    path("attention/", revisions.attention, name="attention"),
    path("attention/<int:pk>/confirm/", revisions.attention_confirm, name="attention-confirm"),
    path("attention/<int:pk>/fix/", revisions.attention_fix, name="attention-fix"),
    path("articles/<int:pk>/revisions/", revisions.article_revisions, name="article-revisions"),
]
