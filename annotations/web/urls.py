from __future__ import annotations

from django.urls import path

from annotations.web import tokens, views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("healthz", views.healthz, name="healthz"),
    path("settings/tokens/", tokens.token_list, name="api-tokens"),
    path("settings/tokens/<int:pk>/revoke/", tokens.token_revoke, name="api-token-revoke"),
]
