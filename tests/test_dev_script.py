"""`./dev serve` and `./dev test` (issue 13 items 1 and 20).

The script runs against a fake virtualenv whose `python` only records how it was called, so
the tests see exactly what would be installed and started, without installing anything.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from factcheck import devstack

ROOT = Path(settings.BASE_DIR)


def _run_dev(tmp_path: Path, *args: str) -> list[str]:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True, exist_ok=True)
    calls = tmp_path / "calls.log"
    fake = venv / "bin" / "python"
    fake.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "VENV": str(venv), "PYTHON": sys.executable}
    result = subprocess.run(
        [str(ROOT / "dev"), *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return calls.read_text().splitlines()


def test_serve_installs_only_the_runtime_dependencies(tmp_path):
    calls = _run_dev(tmp_path, "serve")
    installs = [c for c in calls if c.startswith("-m pip install -e")]
    assert installs == ["-m pip install -e ."]
    assert calls[-1].startswith("-m factcheck.devstack --port")


def test_test_installs_the_test_extra(tmp_path):
    calls = _run_dev(tmp_path, "test", "-k", "nothing")
    assert "-m pip install -e .[test]" in calls
    assert calls[-1] == "-m pytest -k nothing"


def test_serve_after_test_installs_nothing_more(tmp_path):
    _run_dev(tmp_path, "test")
    calls = _run_dev(tmp_path, "serve")
    assert [c for c in calls if "pip install -e" in c] == ["-m pip install -e .[test]"]


def test_stack_is_gunicorn_gthread_and_quiet_celery():
    children = {c.name: c.argv for c in devstack.commands(host="127.0.0.1", port=8123)}
    assert set(children) == {"web", "worker", "beat"}
    web = " ".join(children["web"])
    assert "gunicorn factcheck.wsgi:application" in web
    assert "deploy/gunicorn.conf.py" in web and "--bind 127.0.0.1:8123" in web
    assert "runserver" not in web
    for name in ("worker", "beat"):
        assert "--quiet" in children[name] and "--loglevel=WARNING" in children[name]


def test_supervisor_restarts_a_dead_process_and_keeps_the_others(capsys):
    dying = devstack.Child("dying", [sys.executable, "-c", "import sys; sys.exit(3)"])
    dying.backoff = 0.01
    steady = devstack.Child("steady", [sys.executable, "-c", "import time; time.sleep(60)"])
    supervisor = devstack.Supervisor([dying, steady])
    supervisor.start_all()
    try:
        steady_pid = steady.proc.pid
        dying.proc.wait(10)
        supervisor.check_once()
        assert dying.restarts == 1
        assert "dying exited with code 3" in capsys.readouterr().out
        assert steady.proc.pid == steady_pid and steady.proc.poll() is None
    finally:
        supervisor.shutdown()
    assert steady.proc.poll() is not None
