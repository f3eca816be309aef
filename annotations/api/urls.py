from __future__ import annotations

from django.urls import path
from rest_framework.routers import DefaultRouter

from annotations.api import revisions, views

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("annotations", views.AnnotationViewSet, basename="annotation")

urlpatterns = [
    path("annotations/<int:pk>/anchor/", revisions.annotation_anchor, name="annotation-anchor"),
    path("articles/<int:pk>/revisions/", revisions.article_revisions, name="article-revisions"),
    *router.urls,
]
