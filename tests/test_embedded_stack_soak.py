"""Soak: the `./dev serve` stack stays up under a fast beat and recovers from crashes (issue 13.1).

The stack of `./dev serve` (factcheck.devstack: gunicorn, Celery worker and beat on SQLite and
the filesystem broker) runs for SOAK_SECONDS (default 100) with every periodic interval cut to
2% (several broker messages a second, the load under which the worker used to die of a
half-written message file). Meanwhile the test kills the worker and then beat with SIGKILL;
the supervisor must restart each without touching the web server, /healthz must answer
throughout, and imports must still run to the end.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.soak

ROOT = Path(settings.BASE_DIR)
SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "100"))
WORDS = (
    "minister budget council harbour winter report figures election promise tariff "
    "hospital railway survey committee inflation farmers ministry statement"
).split()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> dict[int, str]:
    """Direct children of pid: {pid: command line}."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError):
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
    return {p: c.decode() for p, c in found.items()}


def _child(pid: int, word: str) -> int:
    matches = [p for p, cmd in _children(pid).items() if f" {word} " in cmd]
    assert len(matches) == 1, _children(pid)
    return matches[0]


class Stack:
    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        drop = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_BROKER_DIR")
        self.env = {k: v for k, v in os.environ.items() if k not in drop}
        self.env.update(
            DEBUG="1",
            FACTCHECK_VAR_DIR=str(tmp),
            TEST_SQLITE_PATH=str(tmp / "unused-test.sqlite3"),
            BEAT_INTERVAL_SCALE="0.02",
            AGREEMENT_CORPUS_EVERY_SECONDS="25",
            PYTHONUNBUFFERED="1",
        )
        self.tmp = tmp
        self.output: list[str] = []
        self.proc: subprocess.Popen[str] | None = None

    def manage(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "factcheck.devstack", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)

    @property
    def log(self) -> str:
        return "".join(self.output)

    def healthy(self) -> bool:
        url = f"http://127.0.0.1:{self.port}/healthz"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def import_one(self, n: int) -> str:
        rng = random.Random(n)
        text = " ".join(rng.choice(WORDS) for _ in range(120)) + f" Soak article {n}.\n"
        path = self.tmp / f"soak-{n}.txt"
        path.write_text(f"Soak article {n}\n\n{text}")
        result = self.manage("import_articles", str(path), "--wait", "--timeout", "60")
        assert result.returncode == 0, result.stdout + result.stderr + self.log
        return result.stdout


@pytest.fixture
def stack(tmp_path: Path):
    stack = Stack(tmp_path)
    migrated = stack.manage("migrate", "--no-input", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    stack.start()
    yield stack
    assert stack.proc is not None
    if stack.proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(stack.proc.pid, signal.SIGKILL)
        for pid in _children(stack.proc.pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        stack.proc.wait(10)


def _wait(predicate, timeout: float, what: str, stack: Stack) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}:\n{stack.log}")


def test_embedded_stack_survives_fast_beat_and_crashes(stack: Stack):
    assert stack.proc is not None
    _wait(lambda: "The service runs at" in stack.log, 120, "the URL line", stack)
    # The URL is the last thing printed at start (nothing noisy after it from the banners).
    lines_after_url = stack.log.split("The service runs at", 1)[1].splitlines()[1:]
    assert not [line for line in lines_after_url if "celery" in line.lower()], stack.log
    started = time.monotonic()
    web_pid = _child(stack.proc.pid, "gunicorn")
    assert "imported 1" in stack.import_one(1)

    failures = 0
    checks = 0
    killed_worker = killed_beat = False
    pool: list[int] = []
    while (elapsed := time.monotonic() - started) < SOAK_SECONDS:
        checks += 1
        failures += not stack.healthy()
        if not killed_worker and elapsed > SOAK_SECONDS * 0.3:
            worker_pid = _child(stack.proc.pid, "worker")
            pool = list(_children(worker_pid))
            assert pool, "the prefork worker has pool processes"
            os.kill(worker_pid, signal.SIGKILL)
            killed_worker = True
        if not killed_beat and elapsed > SOAK_SECONDS * 0.5:
            os.kill(_child(stack.proc.pid, "beat"), signal.SIGKILL)
            killed_beat = True
            # The restarted worker takes new work.
            assert "imported 1" in stack.import_one(2)
        assert stack.proc.poll() is None, stack.log
        time.sleep(0.5)

    assert killed_worker and killed_beat
    # The dead worker's pool processes did not linger on (they held the database and broker).
    assert not [pid for pid in pool if Path(f"/proc/{pid}").exists()], pool
    assert failures == 0, f"/healthz failed {failures} of {checks} times:\n{stack.log}"
    assert "worker exited with code -9" in stack.log and "beat exited with code -9" in stack.log
    assert "web exited" not in stack.log, stack.log
    assert _child(stack.proc.pid, "gunicorn") == web_pid, "the web server was restarted"
    for word in ("worker", "beat"):
        _child(stack.proc.pid, word)  # running again
    assert "imported 1" in stack.import_one(3)
    # Beat's messages were consumed all along (a dead consumer leaves hundreds behind), and
    # none was unreadable.
    queue = stack.tmp / "broker" / "queue"
    assert len(list(queue.glob("*.msg"))) < 20
    assert not (stack.tmp / "broker" / "corrupt").exists()
    for bad in ("Unrecoverable", "JSONDecodeError", "CRITICAL"):
        assert bad not in stack.log, stack.log

    children = list(_children(stack.proc.pid))
    stack.proc.send_signal(signal.SIGTERM)
    assert stack.proc.wait(60) == 0
    still_running = [pid for pid in children if Path(f"/proc/{pid}").exists()]
    assert not still_running, stack.log
