"""Single-span write latency over HTTP, beside a bare Django view in the same run (not a test).

For each setup (see bench_peer_workload.py: A = what ``./dev serve`` runs on SQLite, B =
gunicorn on PostgreSQL + Redis) it starts the server, imports a few texts, then alternates
``--requests`` times, on one keep-alive connection with an API token:

* a span POST to ``/api/annotations/`` (validated, locked, stored and audited), and
* the baseline: ``GET /healthz``, a bare Django view (all middleware, one ``SELECT 1``).

Interleaving puts both under the same machine noise. The POSTs start once the worker has
finished the import's follow-up (claim suggestions for the imported texts).
``--match-delays 0,2`` runs each setup also with claim matching enqueued after every span
(CLAIMS_MATCH_DELAY_SECONDS=0, the old behaviour: one task per span) beside the coalesced
default. Prints p50/p95 and spans/s per setup, and the CPU time the web server and the
Celery worker spent per span (read from /proc, the worker's after a ``--settle`` wait for
the claim matching the spans asked for): steadier than wall-clock times on a shared machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/latency_bench \\
        REDIS_URL=redis://127.0.0.1:6379/3 python benchmarks/bench_span_latency.py --setups A,B

Targets (issue 14): span POST p50 <= 6 ms and >= 150 spans/s on B, p50 <= 10 ms on A.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_peer_workload import (
    Client,
    corpus,
    free_port,
    import_texts,
    pct,
    prepare,
    running,
    setup_env,
    spans_for,
)


def cpu_seconds(queue: str) -> dict[str, float]:
    """CPU time (user + system) so far of this run's web and worker processes, found by the
    run's unique CELERY_QUEUE in their environment."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {"web": 0.0, "worker": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            if f"CELERY_QUEUE={queue}".encode() not in environ:
                continue
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kind = "worker" if b"celery" in cmdline else "web" if b"gunicorn" in cmdline else ""
        if kind:
            out[kind] += (int(stat[11]) + int(stat[12])) / tick
    return out


def measure(setup: str, delay: str, args: argparse.Namespace) -> dict[str, float | str]:
    workdir = Path(tempfile.mkdtemp(prefix=f"span-latency-{setup}-"))
    env = setup_env(setup, workdir, f"lat-{setup}-{uuid.uuid4().hex[:6]}")
    env["CLAIMS_MATCH_DELAY_SECONDS"] = delay
    tokens = prepare(env)
    port = free_port()
    rng = random.Random(args.seed)
    with running(setup, env, port, args.a_server, workdir / "server.log") as server:
        admin, reviewer = Client(port, tokens["admin"]), Client(port, tokens["reviewer"])
        _, _, ids = import_texts(admin, corpus(args.texts, f"lat-{setup}", args.seed))
        plan = []
        for article_id in ids:
            text = admin.json("GET", f"/api/articles/{article_id}/")["text"]
            plan += [(article_id, s) for s in spans_for(text, 40, rng)]
        plan = (plan * (args.requests // max(1, len(plan)) + 1))[: args.requests + 50]
        # The import's claim suggestions (an ONNX model over every sentence) would run on the
        # other core during the POSTs: wait until the worker is idle.
        wait_until_idle(env["CELERY_QUEUE"])
        spans, views = [], []
        started = time.perf_counter()
        busy = 0.0
        for n, (article_id, span) in enumerate(plan):
            body = json.dumps({"article": article_id, **span}).encode()
            t0 = time.perf_counter()
            status, data = reviewer.request("POST", "/api/annotations/", body, "application/json")
            t1 = time.perf_counter()
            if status != 201:
                raise RuntimeError(f"span POST: {status} {data[:300]!r}")
            status, _ = reviewer.request("GET", "/healthz")
            t2 = time.perf_counter()
            if n >= 50:  # the first 50 warm up every server process
                spans.append(t1 - t0)
                views.append(t2 - t1)
                busy += t1 - t0
            else:
                started = time.perf_counter()
                if n == 49:
                    cpu_before = cpu_seconds(env["CELERY_QUEUE"])
        wall = time.perf_counter() - started
        # The worker's share: the claim matching the spans asked for, done within this wait.
        time.sleep(args.settle)
        cpu_after = cpu_seconds(env["CELERY_QUEUE"])
    return {
        "server": server,
        "span_p50": pct(spans, 0.5) * 1000,
        "span_p95": pct(spans, 0.95) * 1000,
        "spans_per_s": len(spans) / busy,
        "view_p50": pct(views, 0.5) * 1000,
        "view_p95": pct(views, 0.95) * 1000,
        "wall": wall,
        "web_cpu": (cpu_after["web"] - cpu_before["web"]) / len(spans) * 1000,
        "worker_cpu": (cpu_after["worker"] - cpu_before["worker"]) / len(spans) * 1000,
    }


def wait_until_idle(queue: str, *, quiet: float = 2.0, limit: float = 300.0) -> None:
    """Return once the run's worker has used under 2 % of a core for ``quiet`` seconds."""
    deadline = time.monotonic() + limit
    last = cpu_seconds(queue)["worker"]
    calm_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(queue)["worker"]
        if now - last > 0.01:
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= quiet:
            return
        last = now
    print(f"  (the worker was still busy after {limit:.0f} s; measuring anyway)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setups", default="A,B")
    parser.add_argument(
        "--match-delays",
        default="2",
        help="CLAIMS_MATCH_DELAY_SECONDS values to run each setup with; 0 enqueues claim "
        "matching after every span, as before it was coalesced (e.g. 0,2 for both)",
    )
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--texts", type=int, default=20)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--a-server", choices=("auto", "runserver", "gunicorn"), default="auto")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds for the worker")
    args = parser.parse_args()
    results = {
        (setup.strip(), delay.strip()): measure(setup.strip(), delay.strip(), args)
        for setup in args.setups.split(",")
        for delay in args.match_delays.split(",")
    }
    print()
    print("| setup | claim-matching delay | server | span POST p50 | p95 | spans/s (one client) "
          "| bare Django view p50 (baseline) | p95 | span / baseline (p50) "
          "| web CPU per span + view | worker CPU per span |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for (setup, delay), r in results.items():
        print(
            f"| {setup} | {delay} s | {r['server']} "
            f"| {r['span_p50']:.1f} ms | {r['span_p95']:.1f} ms "
            f"| {r['spans_per_s']:.0f} | {r['view_p50']:.1f} ms | {r['view_p95']:.1f} ms "
            f"| {r['span_p50'] / r['view_p50']:.1f}x | {r['web_cpu']:.1f} ms "
            f"| {r['worker_cpu']:.1f} ms |"
        )
    print(f"Load average at the end: {os.getloadavg()[0]:.2f} (1 min).")
    print("Targets: B p50 <= 6 ms and >= 150 spans/s; A p50 <= 10 ms.")


if __name__ == "__main__":
    main()
