"""The Celery app. Configuration lives in settings.py under the CELERY_ prefix."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _announce_ready(sender: object = None, **_kwargs: object) -> None:
    # One line on stdout whatever the log level: ./dev serve (factcheck.devstack) waits for it
    # before printing the URL, so the worker can log at WARNING.
    print(f"factcheck worker ready: {getattr(sender, 'hostname', '')}", flush=True)
