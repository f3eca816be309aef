from __future__ import annotations

from django.urls import path

import annotations.ids  # noqa: F401  (registers the <dbid:...> converter)
from claims.web import views

urlpatterns = [
    path("", views.claim_list, name="claim-list"),
    path("<dbid:pk>/", views.claim_detail, name="claim-detail"),
    path("conflicts/", views.conflict_list, name="claim-conflicts"),
    path("fact-checks/", views.fact_checks, name="claim-fact-checks"),
]
