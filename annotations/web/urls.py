from __future__ import annotations

from django.urls import path

from annotations.web import agreement, views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("healthz", views.healthz, name="healthz"),
    path("agreement/", agreement.dashboard, name="agreement"),
    path("agreement/recompute/", agreement.recompute, name="agreement-recompute"),
    path("agreement/export.csv", agreement.export_csv, name="agreement-csv"),
]
