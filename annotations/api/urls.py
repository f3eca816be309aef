from __future__ import annotations

from django.urls import path
from rest_framework.routers import DefaultRouter

from annotations.api import adjudication, assignments, history, views

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("annotations", views.AnnotationViewSet, basename="annotation")
router.register("assignments", assignments.AssignmentViewSet, basename="assignment")
router.register("finals", adjudication.FinalViewSet, basename="final")
router.register("history", history.HistoryViewSet, basename="history")

adjudication_urls = [
    path("articles/<int:pk>/adjudication/", adjudication.AdjudicationView.as_view()),
    path("articles/<int:pk>/adjudication/accept-agreed/", adjudication.AcceptAgreedView.as_view()),
    path("articles/<int:pk>/adjudication/dismiss/", adjudication.DismissView.as_view()),
    path("articles/<int:pk>/adjudication/undismiss/", adjudication.DismissView.as_view(undo=True)),
    path(
        "articles/<int:pk>/mark-adjudicated/",
        adjudication.ArticleStepView.as_view(step="adjudicate"),
    ),
    path("articles/<int:pk>/publish/", adjudication.ArticleStepView.as_view(step="publish")),
    path("articles/<int:pk>/unpublish/", adjudication.ArticleStepView.as_view(step="unpublish")),
]

urlpatterns = [*adjudication_urls, *router.urls]
