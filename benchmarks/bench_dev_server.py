"""Benchmark: the web server of `./dev serve` against Django's runserver, and memory at rest.

    python benchmarks/bench_dev_server.py                 # latency part only (SQLite)
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/wt_ops \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/1 \\
        python benchmarks/bench_dev_server.py             # plus memory on PostgreSQL + Redis

Part 1, same run, same SQLite database (the embedded default, DEBUG=1 as `./dev serve`):
  * baseline: `manage.py runserver --noreload` (what `./dev serve` ran before);
  * ours: gunicorn with deploy/gunicorn.conf.py, 1 process x 8 threads (factcheck.devstack).
  One keep-alive HTTP/1.1 connection per server sends BENCH_REQUESTS (default 200) of each:
  GET /api/articles/<id>/ and POST /api/annotations/ (one span), Bearer token. Prints p50/p95
  per request kind and the ratio.

Part 2 (when BENCH_PG_URL and BENCH_REDIS_URL are set): the docker-compose processes, web
(gunicorn, deploy/gunicorn.conf.py defaults: 2 processes x 8 threads, preloaded) and worker
(celery prefork, --autoscale=2,1: one pool process at rest, two under load), on PostgreSQL +
Redis, DEBUG=0, beside the earlier configurations in the same run (sync web workers; a worker
with two pool processes). After 50 warm-up requests and 10 s idle, prints RSS and PSS
(proportional set size: shared pages split between the processes that share them, the honest
sum) of each process tree. Issue 14 target: web + worker <= 450 MB.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
WARMUP = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"port {port} never opened")


def run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode:
        raise RuntimeError(result.stdout + result.stderr)
    return result.stdout


SETUP = """
import django, json; django.setup()
from django.contrib.auth.models import Group
from django.contrib.auth import get_user_model
from annotations.models import Article, VerdictScale
from annotations.services.tokens import create_token
user, _ = get_user_model().objects.get_or_create(username="bench")
user.groups.add(Group.objects.get_or_create(name="reviewer")[0])
text = ("The minister said the harbour budget would double by 2030, a claim the council "
        "disputed. Figures from the port authority show a rise of twelve percent. ") * 20
import uuid
article = Article.objects.create(title="Bench", source="Bench", text=text,
                                 content_hash=uuid.uuid4().hex,
                                 verdict_scale=VerdictScale.objects.default())
_, key = create_token(user=user, name="bench", scope="write")
print(json.dumps({"article": article.pk, "key": key, "text": text}))
"""


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def gunicorn_args(port: int, workers: int | None = None) -> list[str]:
    args = [
        sys.executable, "-m", "gunicorn", "factcheck.wsgi:application",
        "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--access-logfile", "/dev/null",
    ]  # fmt: skip
    if workers:
        args += ["--workers", str(workers)]
    return args


def measure(port: int, data: dict) -> dict[str, list[float]]:
    """Keep-alive GETs and POSTs on one connection; milliseconds per request."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {data['key']}", "Host": "localhost"}
    text = data["text"]
    times: dict[str, list[float]] = {"GET": [], "POST": []}
    statuses: dict[str, set[int]] = {"GET": set(), "POST": set()}
    for i in range(WARMUP + REQUESTS):
        for kind in ("GET", "POST"):
            if kind == "GET":
                args = ("GET", f"/api/articles/{data['article']}/", None, headers)
            else:
                start_at = (i * 7) % (len(text) - 20)
                span = {
                    "article": data["article"],
                    "start": start_at,
                    "end": start_at + 8,
                    "quote": text[start_at : start_at + 8],
                    "tag": "claim",
                }
                body = json.dumps(span)
                args = (
                    "POST",
                    "/api/annotations/",
                    body,
                    headers | {"Content-Type": "application/json"},
                )
            t0 = time.perf_counter()
            conn.request(*args)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - t0) * 1000
            statuses[kind].add(response.status)
            if i >= WARMUP:
                times[kind].append(elapsed)
    conn.close()
    for kind, seen in statuses.items():
        if not seen <= {200, 201}:
            raise RuntimeError(f"{kind} answered {seen}")
    return times


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def latency_part() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-dev-server-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
    }
    env.update(DEBUG="1", FACTCHECK_VAR_DIR=str(tmp), LOG_LEVEL="WARNING")
    env.update(DJANGO_SETTINGS_MODULE="factcheck.settings", PYTHONPATH=str(ROOT))
    run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env)
    data = json.loads(run([sys.executable, "-c", SETUP], env))
    servers = {
        "runserver (before)": lambda p: [
            sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{p}",
        ],
        "gunicorn gthread (./dev serve)": lambda p: gunicorn_args(p, workers=1),
    }  # fmt: skip
    results = {}
    for name, argv in servers.items():
        port = free_port()
        proc = start(argv(port), env)
        try:
            wait_port(port)
            results[name] = measure(port, data)
        finally:
            stop(proc)
    print(f"Keep-alive requests on one connection, {REQUESTS} of each, SQLite, DEBUG=1 (ms)")
    print(f"{'server':34} {'GET p50':>8} {'GET p95':>8} {'POST p50':>9} {'POST p95':>9}")
    for name, times in results.items():
        print(
            f"{name:34} {statistics.median(times['GET']):8.1f} {pct(times['GET'], 95):8.1f} "
            f"{statistics.median(times['POST']):9.1f} {pct(times['POST'], 95):9.1f}"
        )
    base, ours = results["runserver (before)"], results["gunicorn gthread (./dev serve)"]
    for kind in ("GET", "POST"):
        ratio = statistics.median(base[kind]) / statistics.median(ours[kind])
        print(f"{kind} p50: gunicorn is {ratio:.1f}x faster than runserver")


def tree(pid: int) -> list[int]:
    pids = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    pids += tree(int(entry.name))
    return pids


def memory(pid: int) -> tuple[float, float]:
    """RSS and PSS of a process tree, MB."""
    rss = pss = 0
    for p in tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
    return rss / 1024, pss / 1024


def memory_part(pg_url: str, redis_url: str) -> None:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=pg_url,
        REDIS_URL=redis_url,
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 50,
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="localhost,127.0.0.1",
        LOG_LEVEL="WARNING",
        CELERY_QUEUE="bench-dev-server",
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        PYTHONPATH=str(ROOT),
    )
    env.pop("CELERY_BROKER_URL", None)
    run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env)
    run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    data = json.loads(run([sys.executable, "-c", SETUP], env))
    sync = lambda port: [  # noqa: E731
        sys.executable, "-m", "gunicorn", "factcheck.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "3", "--log-level", "warning",
    ]  # fmt: skip
    configs = [
        ("web: gunicorn sync --workers 3 (older)", sync,
         "worker: celery prefork, concurrency 2", "--concurrency=2"),
        ("web: gunicorn gthread 2 x 8 threads, preload", gunicorn_args,
         "worker: celery prefork, concurrency 2 (before)", "--concurrency=2"),
        ("web: gunicorn gthread 2 x 8 threads, preload", gunicorn_args,
         "worker: celery prefork, autoscale 2,1 (now)", "--autoscale=2,1"),
    ]  # fmt: skip
    rows = []
    for web_label, web_argv, worker_label, pool in configs:
        rows.append((web_label, worker_label, *memory_at_rest(web_argv, env, data, pool)))
    print()
    print("Memory at rest on PostgreSQL + Redis, DEBUG=0 (MB; PSS splits shared pages)")
    print(f"{'process':52} {'RSS':>7} {'PSS':>7}")
    for web_label, worker_label, web_mem, worker_mem in rows:
        print(f"{web_label:52} {web_mem[0]:7.0f} {web_mem[1]:7.0f}")
        print(f"{'  + ' + worker_label:52} {worker_mem[0]:7.0f} {worker_mem[1]:7.0f}")
        total_rss, total_pss = web_mem[0] + worker_mem[0], web_mem[1] + worker_mem[1]
        print(f"{'  = web + worker (target <= 450)':52} {total_rss:7.0f} {total_pss:7.0f}")


def memory_at_rest(web_argv, env: dict[str, str], data: dict, pool: str):
    global REQUESTS
    port = free_port()
    web = start(web_argv(port), env)
    worker = start(
        [
            sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--loglevel=WARNING",
            pool, "--max-memory-per-child=200000", "-Q", "bench-dev-server",
            f"--hostname=bench-{os.getpid()}-{port}@%h",
        ],
        env,
    )  # fmt: skip
    try:
        wait_port(port)
        REQUESTS, saved = 30, REQUESTS
        measure(port, data)
        REQUESTS = saved
        time.sleep(10)
        return memory(web.pid), memory(worker.pid)
    finally:
        stop(web)
        stop(worker)


def main() -> None:
    latency_part()
    pg, redis = os.environ.get("BENCH_PG_URL"), os.environ.get("BENCH_REDIS_URL")
    if pg and redis:
        memory_part(pg, redis)
    else:
        print("\n(set BENCH_PG_URL and BENCH_REDIS_URL for the memory figures)")


if __name__ == "__main__":
    main()
