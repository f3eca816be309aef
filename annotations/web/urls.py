from __future__ import annotations

from django.urls import path

from annotations.web import views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("articles/<int:pk>/", views.annotate, name="annotate"),
    path("healthz", views.healthz, name="healthz"),
]
