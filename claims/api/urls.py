from __future__ import annotations

from django.urls import path

from annotations.api import urls as _annotations_urls  # noqa: F401 - registers the dbid converter
from claims.api import views

urlpatterns = [
    path("", views.ClaimList.as_view(), name="api-claims"),
    path("<dbid:pk>/", views.ClaimDetail.as_view(), name="api-claim"),
    path("claimreviews/", views.ClaimReviewList.as_view(), name="api-claim-reviews"),
    path("<dbid:pk>/claimreview/", views.ClaimReviewView.as_view(), name="api-claim-review"),
    path("<dbid:pk>/verdict/", views.PublishVerdict.as_view(), name="api-claim-verdict"),
    path("<dbid:pk>/merge/", views.MergeClaims.as_view(), name="api-claim-merge"),
    path("<dbid:pk>/split/", views.SplitClaim.as_view(), name="api-claim-split"),
    path("appearances/", views.AppearanceList.as_view(), name="api-claim-appearances"),
    path("conflicts/", views.ConflictList.as_view(), name="api-claim-conflicts"),
    path(
        "conflicts/<dbid:pk>/resolve/", views.ResolveConflict.as_view(), name="api-conflict-resolve"
    ),
    path("candidates/", views.CandidateList.as_view(), name="api-claim-candidates"),
    path(
        "candidates/<dbid:pk>/confirm/",
        views.DecideCandidate.as_view(decision="confirm"),
        name="api-candidate-confirm",
    ),
    path(
        "candidates/<dbid:pk>/reject/",
        views.DecideCandidate.as_view(decision="reject"),
        name="api-candidate-reject",
    ),
    path("suggestions/", views.SuggestionList.as_view(), name="api-suggestions"),
    path(
        "suggestions/<dbid:pk>/accept/",
        views.AcceptSuggestion.as_view(),
        name="api-suggestion-accept",
    ),
    path(
        "suggestions/<dbid:pk>/reject/",
        views.RejectSuggestion.as_view(),
        name="api-suggestion-reject",
    ),
    path("similar/", views.SimilarSearch.as_view(), name="api-claims-similar"),
    path("fact-checks/import/", views.ImportFactChecks.as_view(), name="api-fact-checks-import"),
]
