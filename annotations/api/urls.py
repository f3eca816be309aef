from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

import annotations.ids  # noqa: F401  (registers the <dbid:...> converter)
from annotations.api import (
    adjudication,
    agreement,
    assignments,
    bulk_spans,
    docs,
    exports,
    history,
    imports,
    revisions,
    tokens,
    verdicts,
    views,
)

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("annotations", views.AnnotationViewSet, basename="annotation")
router.register("assignments", assignments.AssignmentViewSet, basename="assignment")
router.register("finals", adjudication.FinalViewSet, basename="final")
router.register("history", history.HistoryViewSet, basename="history")
router.register("verdicts", verdicts.VerdictViewSet, basename="verdict")
router.register("verdict-scales", views.VerdictScaleViewSet, basename="verdict-scale")
router.register("import-jobs", imports.ImportJobViewSet, basename="import-job")
router.register("tokens", tokens.ApiTokenViewSet, basename="api-token")

adjudication_urls = [
    path("articles/<dbid:pk>/adjudication/", adjudication.AdjudicationView.as_view()),
    path("articles/<dbid:pk>/adjudication/accept-agreed/", adjudication.AcceptAgreedView.as_view()),
    path("articles/<dbid:pk>/adjudication/dismiss/", adjudication.DismissView.as_view()),
    path("articles/<dbid:pk>/adjudication/undismiss/", adjudication.UndismissView.as_view()),
    path(
        "articles/<dbid:pk>/mark-adjudicated/",
        adjudication.ArticleStepView.as_view(step="adjudicate"),
    ),
    path("articles/<dbid:pk>/publish/", adjudication.ArticleStepView.as_view(step="publish")),
    path("articles/<dbid:pk>/unpublish/", adjudication.UnpublishView.as_view()),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs pages run under the strict Content-Security-Policy (see annotations/api/docs.py).
    path("docs/", docs.swagger_ui, name="api-docs"),
    path("redoc/", docs.redoc, name="api-redoc"),
    path("agreement/articles/", agreement.article_agreement_list, name="agreement-articles"),
    path("agreement/articles/<dbid:id>/", agreement.article_agreement, name="agreement-article"),
    path("agreement/corpus/", agreement.corpus_agreement, name="agreement-corpus"),
    path(
        "agreement/corpus/recompute/",
        agreement.recompute_corpus_agreement,
        name="agreement-corpus-recompute",
    ),
    path("exports/annotations.jsonl", exports.AnnotationsJSONLExport.as_view()),
    path("exports/annotations.csv", exports.AnnotationsCSVExport.as_view()),
    path("exports/claimreview.jsonl", exports.ClaimReviewExport.as_view()),
    path("exports/claimreview.json", exports.ClaimReviewExport.as_view(), {"fmt": "json"}),
    path("exports/webannotation.jsonld", exports.WebAnnotationExport.as_view()),
    path("exports/doccano.jsonl", exports.DoccanoExport.as_view()),
    path("exports/labelstudio.json", exports.LabelStudioExport.as_view()),
    *adjudication_urls,
    path("annotations/<dbid:pk>/anchor/", revisions.annotation_anchor, name="annotation-anchor"),
    path("articles/<dbid:pk>/revisions/", revisions.article_revisions, name="article-revisions"),
    path("articles/<dbid:pk>/spans/", bulk_spans.article_spans, name="article-spans"),
    *router.urls,
]
