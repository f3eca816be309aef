"""Our half of the peer comparison of issue 14, over HTTP against a running server (not a test).

Starts the service itself on a loopback port, with a real Celery worker, and runs the same
workload as the Label Studio / doccano measurements of the issue, through the public API as a
client would (API tokens, one keep-alive connection):

1. import 2,000 and 10,000 generated texts (~3 kB each, distinct, cleaning and near-duplicate
   detection on) as JSONL uploads, timed until the import job reports every text imported
   (then checked in the article list);
2. 20,000 single-span POSTs (10 per article of the 2,000) from one client: p50/p95, spans/s;
   with ``--bulk-spans`` and a server that has ``POST /api/articles/<id>/spans/`` also the
   same 20,000 spans as one request per article, and with ``--preannotated`` 2,000 texts with
   their spans in the JSONL (the batch import path, where the server has it);
3. read back the 20,000 spans through ``/api/annotations/`` (pages of 500);
4. export them (``/api/exports/annotations.jsonl``).

Setups: **B** = PostgreSQL + Redis + gunicorn (deploy/gunicorn.conf.py when present, else gthread
2x8) + a Celery worker, DEBUG off; **A** = the embedded default of ``./dev serve`` (SQLite,
filesystem broker, DEBUG on; gunicorn when the repository's dev stack uses it, else
runserver). The figures print in one table beside the issue's Label Studio and doccano figures
(reference columns: measured on this machine kind, not in this run) and, measured in this run,
a bare Django view round trip (``/healthz``: middleware + one ``SELECT 1``) as the baseline of
the per-request figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/peer_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        python benchmarks/bench_peer_workload.py [--setups A,B] [--small 2000 --large 10000
        --spans 20000] [--bulk-spans] [--preannotated] [--a-server runserver]

The database of DATABASE_URL is dropped and recreated; A uses a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
STEP_TIMEOUT = float(os.environ.get("BENCH_STEP_TIMEOUT", "1800"))

# Issue 14, "measured side by side on this machine": (Label Studio 1.23, doccano 1.8).
REFERENCE: dict[str, tuple[str, str]] = {
    "import_large": ("2.05 s", "3.23 s"),
    "import_small": ("0.59 s", "1.90 s"),
    "texts_and_spans": ("2.25 s (pre-annotated import)", "4.06 s"),
    "span_p50": ("100 ms", "8.5-12.6 ms"),
    "read_back": ("9.3 s", "23.5 s"),
    "export": ("4.0 s", "2.9 s"),
}

WORDS = (
    "officials ministry report border troops region analysts figures government statement "
    "spokesperson capital minister forces weapons agency sources briefing parliament allies "
    "sanctions economy talks ceasefire envoy summit election protest court ruling budget "
    "harvest drought floods vaccine hospital school bridge railway port pipeline satellite"
).split()


# --- corpus ---------------------------------------------------------------------------------
def _word(rng: random.Random) -> str:
    # Mostly invented words: generated texts share few shingles, so none is a near duplicate.
    if rng.random() < 0.3:
        return rng.choice(WORDS)
    return "".join(rng.choice("aeioubcdfghklmnprstvz") for _ in range(rng.randint(3, 9)))


def make_text(rng: random.Random, n: int, size: int = 3000) -> str:
    paragraphs, total = [], 0
    while total < size:
        sentences = []
        for _ in range(rng.randint(2, 5)):
            words = [_word(rng) for _ in range(rng.randint(8, 18))]
            sentences.append(" ".join(words).capitalize() + rng.choice(".!?."))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
    return f"Dispatch {n}. " + "\n\n".join(paragraphs)


def corpus(count: int, run: str, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(f"{seed}-{run}")
    return [
        {
            "title": f"Peer bench {run} {n}",
            "url": f"https://bench.example/{run}/{n}",
            "source": "Peer Bench",
            "text": make_text(rng, n),
        }
        for n in range(count)
    ]


def spans_for(text: str, n: int, rng: random.Random) -> list[dict[str, Any]]:
    """``n`` disjoint word-aligned spans of ``text`` (code-point offsets)."""
    out, width = [], max(1, len(text) // n)
    for k in range(n):
        lo = k * width
        start = text.find(" ", lo, lo + width // 2) + 1 or lo
        end = min(len(text), start + rng.randint(15, 60), lo + width)
        if end <= start:
            start, end = lo, lo + 1
        out.append(
            {
                "start": start,
                "end": end,
                "quote": text[start:end],
                "tag": rng.choice(["claim", "denial", "estimate"]),
            }
        )
    return out


# --- HTTP client ----------------------------------------------------------------------------
class Client:
    """One keep-alive HTTP/1.1 connection with an API token (reconnects if the server closed it)."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            self.conn.connect()
            self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.conn

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, bytes]:
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            conn = self._connect()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    self.conn = None
                return response.status, data
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, payload: Any = None, expect: int = 200) -> Any:
        body = None if payload is None else json.dumps(payload).encode()
        status, data = self.request(method, path, body, "application/json" if body else "")
        if status != expect:
            raise RuntimeError(f"{method} {path}: {status} {data[:500]!r}")
        return json.loads(data) if data else None


def multipart(files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, payload in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/x-ndjson\r\n\r\n".encode()
            + payload
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- processes ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_env(setup: str, workdir: Path, queue: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(REPO),
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        CELERY_QUEUE=queue,
        FACTCHECK_VAR_DIR=str(workdir / "var"),
        DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "600"),
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    if setup == "B":
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            sys.exit("Setup B needs DATABASE_URL=postgres://.../NAME (dropped and recreated).")
        recreate_postgres(url)
        env.update(
            DATABASE_URL=url,
            REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
            DEBUG="0",
            SECRET_KEY="peer-bench-" + uuid.uuid4().hex * 2,
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            LOG_LEVEL="WARNING",
        )
    else:  # the embedded default of ./dev serve
        env.pop("REDIS_URL", None)
        env.update(
            DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}", DEBUG="1", LOG_LEVEL="WARNING"
        )
    (workdir / "var").mkdir(parents=True, exist_ok=True)
    return env


PREPARE = """
import json
from annotations.services.accounts import create_user, ensure_roles
from annotations.services.tokens import create_token
ensure_roles()
admin, _ = create_user(username="bench-admin", password="x-bench-pass-1", role="admin")
rev, _ = create_user(username="bench-reviewer", password="x-bench-pass-2", role="reviewer")
print(json.dumps({"admin": create_token(user=admin, name="bench", scope="write")[1],
                  "reviewer": create_token(user=rev, name="bench", scope="write")[1]}))
"""


def prepare(env: dict[str, str]) -> dict[str, str]:
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, cwd=REPO, check=True)
    out = subprocess.run(
        [*manage, "shell", "-c", PREPARE],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def server_command(setup: str, port: int, a_server: str) -> list[str]:
    conf = REPO / "deploy" / "gunicorn.conf.py"
    kind = a_server if setup == "A" else "gunicorn"
    if kind == "auto":
        kind = "gunicorn" if (REPO / "factcheck" / "devstack.py").exists() else "runserver"
    if kind == "runserver":
        return [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    args = [sys.executable, "-m", "gunicorn", "factcheck.wsgi:application"]
    if conf.exists():
        args += ["-c", str(conf)]
    else:
        args += ["--worker-class", "gthread", "--workers", "2", "--threads", "8"]
    return [*args, "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"]


@contextmanager
def running(setup: str, env: dict[str, str], port: int, a_server: str, log: Path) -> Iterator[str]:
    """The web server and a Celery worker, stopped (process groups) on exit."""
    procs = []
    out = log.open("w")
    try:
        cmd = server_command(setup, port, a_server)
        procs.append(
            subprocess.Popen(cmd, env=env, cwd=REPO, stdout=out, stderr=out, start_new_session=True)
        )
        worker = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "--concurrency=2",
            "--loglevel=WARNING",
            "-Q",
            env["CELERY_QUEUE"],
            "--without-gossip",
            "--without-mingle",
            f"--hostname=peer-{env['CELERY_QUEUE']}@%h",
        ]
        procs.append(
            subprocess.Popen(
                worker, env=env, cwd=REPO, stdout=out, stderr=out, start_new_session=True
            )
        )
        deadline = time.time() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(f"the server did not start; see {log}")
            time.sleep(0.5)
        time.sleep(3)  # the worker connects to its broker
        yield " ".join(cmd[1:4])
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        out.close()


# --- workload steps -------------------------------------------------------------------------
def wait_for_job(client: Client, job_id: int, total: int) -> dict[str, Any]:
    deadline = time.perf_counter() + STEP_TIMEOUT
    while True:
        job = client.json("GET", f"/api/import-jobs/{job_id}/")
        if job["status"] not in ("queued", "running"):
            return job
        if time.perf_counter() > deadline:
            raise RuntimeError(f"import job {job_id} not finished after {STEP_TIMEOUT:.0f} s")
        time.sleep(0.05)


def list_ids(client: Client, path: str) -> list[int]:
    ids: list[int] = []
    url: str | None = path
    while url:
        page = client.json("GET", url)
        ids += [row["id"] for row in page["results"]]
        nxt = page.get("next")
        url = nxt[nxt.index("/api/") :] if nxt else None
    return ids


def import_texts(client: Client, records: list[dict[str, Any]]) -> tuple[float, int, list[int]]:
    """Upload ``records`` as JSONL files (1,000 lines each); seconds until all are imported."""
    files = [
        (
            f"peer-{n // 1000:03d}.jsonl",
            "\n".join(json.dumps(r, ensure_ascii=False) for r in records[n : n + 1000]).encode(),
        )
        for n in range(0, len(records), 1000)
    ]
    body, ctype = multipart(files)
    started = time.perf_counter()
    status, data = client.request("POST", "/api/import-jobs/", body, ctype)
    if status != 202:
        raise RuntimeError(f"import upload: {status} {data[:500]!r}")
    job = wait_for_job(client, json.loads(data)["id"], len(records))
    elapsed = time.perf_counter() - started
    ids = list_ids(client, f"/api/articles/?import_job={job['id']}&page_size=500")
    return elapsed, job["imported"], ids


def post_spans(client: Client, plan: list[tuple[int, dict[str, Any]]]) -> tuple[list[float], float]:
    latencies = []
    started = time.perf_counter()
    for article_id, span in plan:
        body = json.dumps({"article": article_id, **span}).encode()
        t0 = time.perf_counter()
        status, data = client.request("POST", "/api/annotations/", body, "application/json")
        latencies.append(time.perf_counter() - t0)
        if status != 201:
            raise RuntimeError(f"span POST: {status} {data[:300]!r}")
    return latencies, time.perf_counter() - started


def has_bulk_spans(client: Client, article_id: int) -> bool:
    status, _ = client.request(
        "POST", f"/api/articles/{article_id}/spans/", b'{"spans": []}', "application/json"
    )
    return status not in (404, 405)


def post_bulk_spans(client: Client, by_article: dict[int, list[dict[str, Any]]]) -> float:
    started = time.perf_counter()
    for article_id, spans in by_article.items():
        client.json("POST", f"/api/articles/{article_id}/spans/", {"spans": spans})
    return time.perf_counter() - started


def read_back(client: Client) -> tuple[float, int]:
    started = time.perf_counter()
    n = len(list_ids(client, "/api/annotations/?page_size=500"))
    return time.perf_counter() - started, n


def export(client: Client) -> tuple[float, int]:
    started = time.perf_counter()
    client.headers["Accept"] = "*/*"
    try:
        status, data = client.request("GET", "/api/exports/annotations.jsonl")
    finally:
        client.headers["Accept"] = "application/json"
    if status != 200:
        raise RuntimeError(f"export: {status} {data[:300]!r}")
    return time.perf_counter() - started, data.count(b"\n")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def healthz_round_trips(client: Client, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        status, _ = client.request("GET", "/healthz")
        out.append(time.perf_counter() - t0)
        assert status == 200
    return out


def run_setup(setup: str, args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix=f"peer-bench-{setup}-"))
    queue = f"peer-{setup}-{uuid.uuid4().hex[:6]}"
    env = setup_env(setup, workdir, queue)
    tokens = prepare(env)
    port = free_port()
    res: dict[str, Any] = {}
    rng = random.Random(args.seed)
    print(f"== setup {setup} (logs: {workdir / 'server.log'})", flush=True)
    with running(setup, env, port, args.a_server, workdir / "server.log") as server:
        res["server"] = server
        admin = Client(port, tokens["admin"])
        reviewer = Client(port, tokens["reviewer"])
        healthz_round_trips(reviewer, 50)  # warm up every server process and connection

        secs, n, small_ids = import_texts(admin, corpus(args.small, f"{setup}-s", args.seed))
        res["import_small"] = (secs, n, len(small_ids))
        print(f"   import {args.small}: {secs:.2f} s ({n} imported)", flush=True)
        secs, n, large_ids = import_texts(admin, corpus(args.large, f"{setup}-l", args.seed))
        res["import_large"] = (secs, n, len(large_ids))
        print(f"   import {args.large}: {secs:.2f} s ({n} imported)", flush=True)

        per_article = max(1, args.spans // max(1, len(small_ids)))
        plan: list[tuple[int, dict[str, Any]]] = []
        by_article: dict[int, list[dict[str, Any]]] = {}
        for article_id in small_ids:
            text = admin.json("GET", f"/api/articles/{article_id}/")["text"]
            by_article[article_id] = spans_for(text, per_article, rng)
            plan += [(article_id, s) for s in by_article[article_id]]
        plan = plan[: args.spans]
        base = healthz_round_trips(reviewer, 300)
        latencies, secs = post_spans(reviewer, plan)
        res["spans"] = (latencies, secs, len(plan))
        res["healthz"] = base + healthz_round_trips(reviewer, 300)
        print(
            f"   {len(plan)} span POSTs: {secs:.1f} s, p50 {pct(latencies, 0.5) * 1000:.1f} ms",
            flush=True,
        )
        if args.bulk_spans and small_ids and has_bulk_spans(reviewer, small_ids[0]):
            # The same spans again, one request per article (new spans: they may overlap).
            res["bulk_spans"] = post_bulk_spans(reviewer, by_article)
            print(f"   bulk spans: {res['bulk_spans']:.2f} s", flush=True)
        if args.preannotated:
            # Texts with their spans in one upload (our JSONL with "spans"), if the server
            # stores them; counted by reading the reviewer's spans before and after.
            before = read_back(reviewer)[1]
            records = corpus(args.small, f"{setup}-p", args.seed)
            for record in records:
                record["spans"] = [
                    {**span, "reviewer": "bench-reviewer"}
                    for span in spans_for(record["text"], per_article, rng)
                ]
            secs, n, _ = import_texts(admin, records)
            stored = read_back(reviewer)[1] - before
            res["preannotated"] = (secs, n, stored)
            print(f"   pre-annotated import: {secs:.2f} s ({n} texts, {stored} spans)", flush=True)
        res["read_back"] = read_back(reviewer)
        print(f"   read back: {res['read_back'][0]:.2f} s ({res['read_back'][1]})", flush=True)
        res["export"] = export(admin)
        print(f"   export: {res['export'][0]:.2f} s ({res['export'][1]} lines)", flush=True)
    return res


def table(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    setups = list(results)
    head = ["step", "Label Studio*", "doccano*", *(f"ours {s}" for s in setups)]
    rows: list[list[str]] = []

    def row(key: str, label: str, fmt: Any) -> None:
        ref = REFERENCE.get(key, ("", ""))
        rows.append([label, *ref, *(fmt(results[s]) for s in setups)])

    def secs(key: str) -> Any:
        return lambda r: f"{r[key][0]:.2f} s" if key in r else "-"

    row(
        "import_large",
        f"import {args.large:,} texts (~3 kB), until all visible",
        secs("import_large"),
    )
    row("import_small", f"import {args.small:,} texts", secs("import_small"))
    row(
        "texts_and_spans",
        f"{args.small:,} texts + {args.spans:,} spans (single POSTs)",
        lambda r: f"{r['import_small'][0] + r['spans'][1]:.1f} s",
    )
    if any("bulk_spans" in r for r in results.values()):
        row(
            "texts_and_spans",
            f"{args.small:,} texts + {args.spans:,} spans (bulk span API)",
            lambda r: (
                f"{r['import_small'][0] + r['bulk_spans']:.2f} s" if "bulk_spans" in r else "-"
            ),
        )
    if any("preannotated" in r for r in results.values()):
        row(
            "texts_and_spans",
            f"{args.small:,} texts + {args.spans:,} spans (pre-annotated import)",
            lambda r: (
                f"{r['preannotated'][0]:.2f} s ({r['preannotated'][2]:,} spans stored)"
                if "preannotated" in r
                else "-"
            ),
        )
    row(
        "span_p50",
        "one span per request, p50",
        lambda r: f"{pct(r['spans'][0], 0.5) * 1000:.1f} ms",
    )
    rows.append(
        [
            "one span per request, p95",
            "",
            "",
            *(f"{pct(results[s]['spans'][0], 0.95) * 1000:.1f} ms" for s in setups),
        ]
    )
    rows.append(
        [
            "spans/s from one client",
            "",
            "",
            *(f"{results[s]['spans'][2] / results[s]['spans'][1]:.0f}" for s in setups),
        ]
    )
    rows.append(
        [
            "baseline: bare Django view (/healthz) p50",
            "",
            "",
            *(f"{pct(results[s]['healthz'], 0.5) * 1000:.1f} ms" for s in setups),
        ]
    )
    row("read_back", f"read back {args.spans:,} spans", secs("read_back"))
    row("export", "export", secs("export"))
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        lines.append(
            "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setups", default="B", help="A, B or A,B (default B)")
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--large", type=int, default=10000)
    parser.add_argument("--spans", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--a-server",
        choices=("auto", "runserver", "gunicorn"),
        default="auto",
        help="A's web server (auto: what ./dev serve runs)",
    )
    parser.add_argument(
        "--bulk-spans",
        action="store_true",
        help="also the spans through POST /api/articles/<id>/spans/ if present",
    )
    parser.add_argument(
        "--preannotated",
        action="store_true",
        help="also import texts with their spans in the JSONL (if supported)",
    )
    args = parser.parse_args()
    results = {}
    for setup in args.setups.split(","):
        results[setup.strip()] = run_setup(setup.strip(), args)
    print()
    for setup, r in results.items():
        print(
            f"ours {setup}: {r['server']}; imported {r['import_small'][1]} + "
            f"{r['import_large'][1]}, read back {r['read_back'][1]}, exported "
            f"{r['export'][1]} lines"
        )
    print(table(results, args))
    print("* reference: issue 14's side-by-side run on this machine kind (not this run), for")
    print("  2,000 / 10,000 texts and 20,000 spans; compare only a run of those sizes.")


if __name__ == "__main__":
    main()
