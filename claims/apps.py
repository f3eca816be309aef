from __future__ import annotations

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims across articles"
    default_auto_field = "django.db.models.BigAutoField"
