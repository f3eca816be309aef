from __future__ import annotations

from rest_framework.routers import DefaultRouter

from annotations.api import views

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("annotations", views.AnnotationViewSet, basename="annotation")

urlpatterns = router.urls
