"""Start a real Celery worker process against the test database and broker."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from factcheck.celery import app as celery_app


def database_url() -> str:
    """The URL of the database the tests are using right now (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        CELERY_QUEUE=celery_app.conf.task_default_queue,
        DEBUG="1",
        PYTHONUNBUFFERED="1",
    )
    broker_dir = getattr(settings, "TEST_BROKER_DIR", None)
    if broker_dir:
        env["CELERY_BROKER_DIR"] = str(broker_dir)
    env.update(extra)
    return env


class Worker:
    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.output: list[str] = []
        self.ready = threading.Event()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)
            if " ready." in line:
                self.ready.set()

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the whole process group (a prefork parent and its children)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        self.proc.wait(timeout=20)

    @property
    def log(self) -> str:
        return "".join(self.output)


@contextlib.contextmanager
def running_worker(*, pool: str = "solo", beat: bool = False, **env: str) -> Iterator[Worker]:
    args = [
        sys.executable, "-m", "celery", "-A", "factcheck", "worker",
        f"--pool={pool}", "--concurrency=1", "--loglevel=INFO",
        "-Q", celery_app.conf.task_default_queue, "--without-gossip", "--without-mingle",
        f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@%h",
    ]  # fmt: skip
    if beat:
        args += ["--beat", f"--schedule={Path(settings.VAR_DIR) / 'test-beat-schedule'}"]
    proc = subprocess.Popen(
        args,
        env=worker_env(**env),
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    worker = Worker(proc)
    try:
        if not worker.ready.wait(60):
            raise RuntimeError(f"Celery worker did not start:\n{worker.log}")
        yield worker
    finally:
        if proc.poll() is None:
            worker.kill(signal.SIGTERM)


def wait_for(predicate: Any, *, timeout: float = 60, interval: float = 0.1, what: str = "") -> Any:
    """Poll until predicate() is truthy; fail with a message naming what was awaited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what or predicate}")
