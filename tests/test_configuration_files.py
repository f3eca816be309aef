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
    assert set(services) == {"proxy", "web", "worker", "beat", "postgres", "redis"}
    for name in ("proxy", "web", "worker", "postgres", "redis"):
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


def test_compose_puts_a_buffering_proxy_in_front_of_threaded_gunicorn():
    """Issue 13 item 11: slow clients must meet nginx, never gunicorn's workers directly."""
    services = _compose()["services"]
    proxy, web = services["proxy"], services["web"]
    assert proxy["image"].startswith("nginx:")
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    assert proxy["ports"] == ["8000:80"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert "ports" not in web, "gunicorn must not be published past the proxy"
    assert web["expose"] == ["8000"]
    assert "--config deploy/gunicorn.conf.py" in " ".join(web["command"].split())

    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    directives = dict(
        re.findall(r"^[ \t]*([a-z_]+)[ \t]+([^;{}]+);", re.sub(r"#.*", "", conf), re.M)
    )
    assert directives["proxy_pass"] == "http://factcheck_web"
    assert re.search(r"upstream factcheck_web \{\s*server web:8000;", conf)
    assert directives["proxy_request_buffering"] == "on"
    assert directives["proxy_buffering"] == "on"
    for name in ("client_header_timeout", "client_body_timeout", "send_timeout"):
        assert 0 < int(directives[name].rstrip("s")) <= 30, name
    # The proxy waits longer than gunicorn's own worker timeout.
    gunicorn = _gunicorn_conf()
    assert int(directives["proxy_read_timeout"].rstrip("s")) > gunicorn["timeout"]
    # Uploads up to IMPORT_MAX_BYTES pass the proxy.
    assert int(directives["client_max_body_size"].rstrip("m")) * 1024 * 1024 > (
        settings.IMPORT_MAX_BYTES
    )
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf


def _gunicorn_conf() -> dict:
    namespace: dict = {}
    path = ROOT / "deploy" / "gunicorn.conf.py"
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - our own file
    return namespace


def test_gunicorn_uses_threads_and_timeouts():
    conf = _gunicorn_conf()
    assert conf["worker_class"] == "gthread"
    assert conf["threads"] >= 4
    assert 0 < conf["timeout"] <= 60
    assert 0 < conf["graceful_timeout"] <= 60
    assert 0 < conf["keepalive"] <= 10
    assert conf["max_requests"] > 0
    # Two servers on one machine must not share gunicorn's control socket in $HOME.
    assert conf["control_socket_disable"] is True


def test_compose_sets_persistent_database_connections():
    env = _compose()["services"]["web"]["environment"]
    assert int(env["DB_CONN_MAX_AGE"]) > 0
    assert env["BEHIND_TLS_PROXY"] == "1"
    services = _compose()["services"]
    assert "--loglevel=WARNING" in services["beat"]["command"]
    assert "--max-memory-per-child" in services["worker"]["command"]
