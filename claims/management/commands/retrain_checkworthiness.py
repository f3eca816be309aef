"""Retrain the desk's check-worthiness model from reviewers' accept/reject decisions."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from claims.services.suggestions import retrain_from_decisions


class Command(BaseCommand):
    help = "Retrain check-worthiness from the stored suggestion decisions (also run by beat)."

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(json.dumps(retrain_from_decisions(), indent=2, default=str))
