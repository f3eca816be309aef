from __future__ import annotations

from django.urls import path
from rest_framework.routers import DefaultRouter

from annotations.api import agreement, views

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("annotations", views.AnnotationViewSet, basename="annotation")

urlpatterns = [
    path("agreement/articles/", agreement.article_agreement_list, name="agreement-articles"),
    path("agreement/articles/<int:id>/", agreement.article_agreement, name="agreement-article"),
    path("agreement/corpus/", agreement.corpus_agreement, name="agreement-corpus"),
    path(
        "agreement/corpus/recompute/",
        agreement.recompute_corpus_agreement,
        name="agreement-corpus-recompute",
    ),
    *router.urls,
]
