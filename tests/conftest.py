from __future__ import annotations

import importlib
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from factcheck.celery import app as celery_app
from tests.factories import make_article, make_user


@pytest.fixture(scope="session", autouse=True)
def _isolated_broker() -> Any:
    """Send this run's task messages to a queue (and folder) of its own.

    Tests that enqueue without a worker must not leave messages for a developer's running
    worker, and the real-worker tests must not pick up another run's messages.
    """
    queue = f"test-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_default_queue = queue
    tmp = None
    if celery_app.conf.broker_url.startswith("filesystem://"):
        tmp = Path(tempfile.mkdtemp(prefix="factcheck-broker-"))
        (tmp / "queue").mkdir()
        (tmp / "processed").mkdir()
        options = dict(celery_app.conf.broker_transport_options)
        options.update(
            data_folder_in=str(tmp / "queue"),
            data_folder_out=str(tmp / "queue"),
            processed_folder=str(tmp / "processed"),
            control_folder=str(tmp / "control"),
        )
        celery_app.conf.broker_transport_options = options
        settings.TEST_BROKER_DIR = tmp
    yield queue
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)


def _is_transactional(request: Any) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _data_migration_rows(request: Any) -> None:
    """Put back the roles and verdict scales of the data migration in transactional tests.

    A transactional test ends by flushing every table, including the rows a data migration
    made, so the next transactional test would find no verdict scale.
    """
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    migration = importlib.import_module("annotations.migrations.0002_roles_and_scale_presets")
    migration.forwards(apps, None)


@pytest.fixture(autouse=True)
def _fresh_throttle_counters(settings: Any) -> Any:
    """Each test starts with no failed token attempts counted (sign-in lockouts live in the
    database and are rolled back anyway). A per-process cache, so that clearing it can never
    flush a Redis database the broker uses."""
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                     "LOCATION": "throttle-tests"},
    }  # fmt: skip
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


@pytest.fixture
def alice(db: Any) -> Any:
    """A reviewer."""
    return make_user("alice", "reviewer")


@pytest.fixture
def bob(db: Any) -> Any:
    """Another reviewer."""
    return make_user("bob", "reviewer")


@pytest.fixture
def carol(db: Any) -> Any:
    """An adjudicator."""
    return make_user("carol", "adjudicator")


@pytest.fixture
def admin_user(db: Any) -> Any:
    """An admin (by role, not superuser)."""
    return make_user("ada", "admin", is_staff=True)


@pytest.fixture
def charlie(db: Any) -> Any:
    """A logged-in account with no role: an outsider."""
    return make_user("charlie", role=None)


@pytest.fixture
def article(db: Any) -> Any:
    return make_article()
