"""docker-compose.yml and .env.example agree with the settings (no Docker engine here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _settings_env_names() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "factcheck").glob("*.py"):
        names |= set(re.findall(r'env_\w+\(\s*"([A-Z0-9_]+)"', path.read_text()))
    return names


def test_env_example_lists_every_variable():
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    missing = _settings_env_names() - documented
    assert not missing, f"add to .env.example: {sorted(missing)}"
    unknown = documented - _settings_env_names()
    assert not unknown, f".env.example documents variables nothing reads: {sorted(unknown)}"


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_full_stack_with_healthchecks():
    services = _compose()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name in ("web", "worker", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert "gunicorn factcheck.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A factcheck worker")
    assert services["beat"]["command"].startswith("celery -A factcheck beat")
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "pgdata" in _compose()["volumes"]
    for name in ("web", "worker", "beat"):
        deps = services[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy"


def test_compose_environment_is_read_by_the_settings_and_loads():
    services = _compose()["services"]
    env = services["web"]["environment"]
    assert env == services["worker"]["environment"] == services["beat"]["environment"]
    assert set(env) <= _settings_env_names(), set(env) - _settings_env_names()
    pg = services["postgres"]["environment"]
    assert env["DATABASE_URL"] == (
        f"postgres://{pg['POSTGRES_USER']}:{pg['POSTGRES_PASSWORD']}@postgres:5432/"
        f"{pg['POSTGRES_DB']}"
    )
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    concrete = {k: re.sub(r"\$\{\w+:[?-]([^}]*)\}", r"\1", str(v)) for k, v in env.items()}
    concrete["SECRET_KEY"] = "x" * 50
    code = "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **concrete, "DJANGO_SETTINGS_MODULE": "factcheck.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
