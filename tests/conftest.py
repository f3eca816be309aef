from __future__ import annotations

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


@pytest.fixture(autouse=True)
def _presets_after_flush(request: Any) -> None:
    """Transactional tests flush every table, data migrations' rows too: put roles and the
    verdict scale presets back, so that a worker test does not depend on the test order."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    from annotations.models import VerdictScale

    if not VerdictScale.objects.exists():
        importlib.import_module("annotations.migrations.0002_roles_and_scale_presets").forwards(
            apps, None
        )
