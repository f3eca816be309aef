"""Settings come from the environment; bad values stop the start with the variable's name."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    clean.pop("CELERY_BROKER_URL", None)
    clean.update(env)
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.DEBUG]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "factcheck.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_environment_but_debug_runs_on_sqlite_and_filesystem_broker(tmp_path):
    result = _start(DEBUG="1", FACTCHECK_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert '"django.db.backends.sqlite3", "filesystem://localhost/", true' in result.stdout


def test_missing_secret_key_outside_debug_names_the_variable():
    result = _start()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_bad_boolean_names_the_variable():
    result = _start(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_unsupported_database_names_the_variable():
    result = _start(DEBUG="1", DATABASE_URL="mysql://u@h/db")
    assert result.returncode != 0
    assert "DATABASE_URL must be sqlite:// or postgres://" in result.stderr


def test_bad_integer_names_the_variable():
    result = _start(DEBUG="1", IMPORT_MAX_BYTES="ten")
    assert result.returncode != 0
    assert "IMPORT_MAX_BYTES='ten' is not a whole number" in result.stderr


def test_postgres_and_redis_urls_are_used(tmp_path):
    result = _start(
        DEBUG="1",
        DATABASE_URL="postgres://u@db.example:5432/factcheck",
        REDIS_URL="redis://cache.example:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert '"django.db.backends.postgresql", "redis://cache.example:6379/0"' in result.stdout
