"""Run and supervise the embedded stack of ``./dev serve``: web server, Celery worker and beat.

    python -m factcheck.devstack [--port 8000] [--host 127.0.0.1]

The web server is gunicorn with threads, as in production (Django's runserver adds ~40 ms
to every keep-alive request and serves one request at a time per connection). Each process
is watched: one that exits is started again after a short back-off, with a log line, and
never takes the others down (issue 13: a worker crash used to stop the whole service). Only
Ctrl-C / SIGTERM stops everything.

The "service runs at" line is printed once the web port answers and the worker is ready,
so it is the last thing on screen after the start.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Printed by factcheck.celery when a worker is ready to take tasks.
WORKER_READY_MARK = "factcheck worker ready"
#: A process that ran this long before dying is restarted without back-off.
STABLE_AFTER_SECONDS = 60.0
MAX_BACKOFF_SECONDS = 30.0


def _say(message: str) -> None:
    print(f"==> {message}", flush=True)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Ask Linux to SIGTERM the child if the supervisor itself is killed."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen[str] | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff: float = 1.0
    ready: threading.Event = field(default_factory=threading.Event)

    def start(self, env: dict[str, str]) -> None:
        self.ready.clear()
        self.proc = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,  # Ctrl-C reaches the supervisor only; it stops them in order
            preexec_fn=_die_with_parent,
        )
        self.started_at = time.monotonic()
        threading.Thread(target=self._pump, args=(self.proc,), daemon=True).start()

    def _pump(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if WORKER_READY_MARK in line:
                self.ready.set()
                continue
            sys.stdout.write(f"[{self.name}] {line}")
            sys.stdout.flush()

    def stop(self, timeout: float = 15.0) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        # The main process only: celery and gunicorn stop their own children in order (a
        # SIGTERM to the whole group would make the worker respawn its pool while stopping).
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def commands(*, host: str, port: int, python: str = sys.executable) -> list[Child]:
    """The three processes of the embedded stack (quiet banners, beat at WARNING)."""
    var_dir = Path(os.environ.get("FACTCHECK_VAR_DIR") or ROOT / "var")
    return [
        Child(
            "worker",
            [
                python, "-m", "celery", "-A", "factcheck", "--quiet", "worker",
                "--loglevel=WARNING", "--concurrency=2", "--hostname=worker@%h",
                # A leaking task cannot grow a pool process without bound.
                "--max-memory-per-child=200000",
            ],
        ),
        Child(
            "beat",
            [
                python, "-m", "celery", "-A", "factcheck", "--quiet", "beat",
                "--loglevel=WARNING", f"--schedule={var_dir / 'celerybeat-schedule'}",
            ],
        ),
        Child(
            "web",
            [
                python, "-m", "gunicorn", "factcheck.wsgi:application",
                "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind", f"{host}:{port}", "--workers", "1",
                "--log-level", "warning", "--access-logfile", "-",
            ],
        ),
    ]  # fmt: skip


def port_answers(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


class Supervisor:
    def __init__(self, children: Sequence[Child], env: dict[str, str] | None = None) -> None:
        self.children = list(children)
        self.env = dict(env or os.environ)
        self.env.setdefault("PYTHONUNBUFFERED", "1")
        self.stopping = threading.Event()

    def start_all(self) -> None:
        for child in self.children:
            child.start(self.env)

    def check_once(self) -> None:
        """Restart every child that has exited (with back-off when it keeps dying)."""
        now = time.monotonic()
        for child in self.children:
            proc = child.proc
            if proc is None or proc.poll() is None or self.stopping.is_set():
                continue
            uptime = now - child.started_at
            # A worker killed with SIGKILL leaves its pool processes behind in its session.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            if uptime >= STABLE_AFTER_SECONDS:
                child.backoff = 1.0
            _say(
                f"{child.name} exited with code {proc.returncode} after {uptime:.0f} s; "
                f"restarting it in {child.backoff:.0f} s"
            )
            if self.stopping.wait(child.backoff):
                return
            child.backoff = min(child.backoff * 2, MAX_BACKOFF_SECONDS)
            child.restarts += 1
            child.start(self.env)

    def run(self, *, host: str, port: int, banner: Sequence[str] = ()) -> None:
        self.start_all()
        deadline = time.monotonic() + 90
        worker = next((c for c in self.children if c.name == "worker"), None)
        while not self.stopping.is_set() and time.monotonic() < deadline:
            self.check_once()
            if port_answers(host, port) and (worker is None or worker.ready.is_set()):
                break
            time.sleep(0.2)
        if not self.stopping.is_set():
            print(flush=True)
            for line in banner:
                print(line, flush=True)
        while not self.stopping.wait(1.0):
            self.check_once()

    def shutdown(self) -> None:
        self.stopping.set()
        # Web first (no new work), then beat, then the worker finishes its task.
        for child in reversed(self.children):
            child.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    args = parser.parse_args(argv)
    url = f"http://{args.host}:{args.port}/"
    supervisor = Supervisor(commands(host=args.host, port=args.port))

    def on_signal(signum: int, _frame: object) -> None:
        supervisor.stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    banner = [
        "    Log in as alice / demo-pass-2025 (reviewer). Press Ctrl-C to stop everything.",
        f"==> The service runs at {url}  (admin: {url}admin/)",
    ]
    try:
        supervisor.run(host=args.host, port=args.port, banner=banner)
    finally:
        print(flush=True)
        _say("Stopping")
        supervisor.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
