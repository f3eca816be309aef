"""Benchmark the reviewer's workspace on a 100,000-character article carrying 1,000 annotations.

Measured in headless Chromium (Debian's, launched by path) against a gunicorn server:

* time to interactive: navigation start -> the page sets ``window.__workspaceReady`` (text,
  1,000 highlights and the side list rendered, handlers attached);
* span round trip: Enter in the popover -> the new highlight confirmed saved by the server.

Baselines measured in the same run: a static HTML page with the same text and no annotations
(navigation start -> load event), and the bare API POST round trip (fetch from the same page,
no UI). Run: ``DEBUG=1 python benchmarks/bench_workspace.py`` (SQLite in a temporary folder
unless DATABASE_URL is set).
"""

from __future__ import annotations

import html
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="bench-workspace-"))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["FACTCHECK_VAR_DIR"] = str(TMP)

TEXT_CHARS = 100_000
ANNOTATIONS = 1_000
REPEAT = 10
PASSWORD = "bench-pass-2025"  # a throwaway account in a throwaway database
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_text() -> str:
    seeds = [p.read_text(encoding="utf-8").strip() for p in sorted((ROOT / "seeds").glob("*.txt"))]
    parts: list[str] = []
    while sum(len(p) + 2 for p in parts) < TEXT_CHARS:
        parts.extend(seeds)
    return "\n\n".join(parts)[:TEXT_CHARS]


def prepare() -> tuple[int, str]:
    """Migrate, create a reviewer and the article with its annotations; return (id, text)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from annotations.models import Annotation, Article, VerdictScale
    from annotations.services.imports import content_hash

    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-reviewer")
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get_or_create(name="reviewer")[0])
    text = build_text() + f"\n[{time.time_ns()}]"  # unique content hash on a reused database
    text = text[-TEXT_CHARS:] if len(text) > TEXT_CHARS else text
    scale = VerdictScale.objects.default()
    labels = list(scale.labels.all())
    article = Article.objects.create(
        title="Benchmark: 100,000 characters, 1,000 annotations",
        source="Benchmark",
        text=text,
        raw=text,
        content_hash=content_hash(text),
        verdict_scale=scale,
    )
    step = len(text) // ANNOTATIONS
    rows = []
    for i in range(ANNOTATIONS):
        start = i * step + (i % 7)
        # Every fifth span is nested inside the previous one; the others sit side by side.
        if i % 5 == 4:
            start = (i - 1) * step + (i % 7) + 5
        end = min(len(text), start + 20 + (i % 40))
        rows.append(
            Annotation(
                article=article,
                reviewer=user,
                start=start,
                end=end,
                quote=text[start:end],
                tag=("claim", "denial", "estimate")[i % 3],
                verdict=labels[i % len(labels)],
                claimant=f"Source {i % 17}",
            )
        )
    Annotation.objects.bulk_create(rows)
    return article.pk, text


def start_server(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "factcheck.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start within 30 s")


def static_baseline_server(text: str) -> tuple[ThreadingHTTPServer, int]:
    page = (
        '<!doctype html><html><head><meta charset="utf-8"><title>static</title></head><body>'
        '<div style="white-space:pre-wrap;max-width:72ch;font:18px/1.75 serif">'
        f"{html.escape(text)}</div></body></html>"
    )
    folder = TMP / "static"
    folder.mkdir()
    (folder / "article.html").write_text(page, encoding="utf-8")
    port = free_port()

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(Quiet, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, port


def stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


CREATE_SPAN = """async ([u16Start, u16End]) => {
  const box = document.getElementById('article-text');
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  let seen = 0, a = null, b = null;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const len = n.data.length;
    if (!a && u16Start < seen + len) a = [n, u16Start - seen];
    if (!b && u16End <= seen + len) { b = [n, u16End - seen]; break; }
    seen += len;
  }
  box.focus({preventScroll: true});
  getSelection().setBaseAndExtent(a[0], a[1], b[0], b[1]);
  return true;
}"""

API_POST = """async ([article, start, end, quote]) => {
  const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
  const t0 = performance.now();
  const res = await fetch('/api/annotations/', {method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf, 'X-Client': 'web'},
    body: JSON.stringify({article, start, end, quote, tag: 'claim'})});
  await res.json();
  if (res.status !== 201) throw new Error('POST ' + res.status);
  return performance.now() - t0;
}"""


def main() -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    article_id, text = prepare()
    port = free_port()
    server = start_server(port)
    httpd, static_port = static_baseline_server(text)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", "bench-reviewer")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")

            url = f"{base}/articles/{article_id}/"
            page.goto(url)  # warm-up: server caches, static files in the browser cache
            page.wait_for_function("window.__workspaceReady > 0")
            marks = page.evaluate("document.querySelectorAll('#article-text mark').length")

            tti, static = [], []
            for _ in range(REPEAT):
                page.goto(url)
                page.wait_for_function("window.__workspaceReady > 0")
                tti.append(page.evaluate("window.__workspaceReady"))
                page.goto(f"http://127.0.0.1:{static_port}/article.html")
                page.wait_for_load_state("load")
                static.append(
                    page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
                )

            page.goto(url)
            page.wait_for_function("window.__workspaceReady > 0")
            page.evaluate(
                "window.addEventListener('keydown', (e) => { if (e.key === 'Enter' && "
                "!document.getElementById('popover').hidden) window.__t0 = performance.now(); },"
                " true)"
            )
            spans, posts = [], []
            for i in range(REPEAT):
                start = 2_000 + i * 9_000  # plain ASCII seeds: UTF-16 and code points agree
                seq = page.evaluate("(window.__lastSaved || {seq: 0}).seq")
                page.evaluate(CREATE_SPAN, [start, start + 30])
                page.keyboard.press("Enter")  # opens the popover on the selection
                page.wait_for_selector("#popover:not([hidden])")
                page.keyboard.press("1")
                page.keyboard.press("Enter")  # save
                page.wait_for_function(f"window.__lastSaved && window.__lastSaved.seq > {seq}")
                spans.append(page.evaluate("window.__lastSaved.at - window.__t0"))
                b_start = start + 40
                posts.append(
                    page.evaluate(
                        API_POST, [article_id, b_start, b_start + 30, text[b_start : b_start + 30]]
                    )
                )
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        httpd.shutdown()
        shutil.rmtree(TMP, ignore_errors=True)

    tti_med, tti_p95 = stats(tti)
    st_med, _ = stats(static)
    sp_med, sp_p95 = stats(spans)
    po_med, _ = stats(posts)
    print(
        f"Article: {len(text):,} characters, {ANNOTATIONS:,} annotations "
        f"({marks:,} highlight segments); {REPEAT} repetitions; headless Chromium, gunicorn, "
        f"{'PostgreSQL' if os.environ.get('DATABASE_URL', '').startswith('postgres') else 'SQLite'}"
    )
    print()
    print("| measure | median | p95 | baseline (same run) | baseline median | ratio | goal |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| page interactive | {tti_med:.0f} ms | {tti_p95:.0f} ms | static page, same text, "
        f"no annotations (load event) | {st_med:.0f} ms | {tti_med / st_med:.1f}x | < 1000 ms |"
    )
    print(
        f"| span saved (Enter -> highlight confirmed) | {sp_med:.0f} ms | {sp_p95:.0f} ms | "
        f"bare API POST from the page | {po_med:.0f} ms | {sp_med / po_med:.1f}x | < 150 ms |"
    )
    ok = tti_med < 1000 and sp_med < 150
    print()
    print("goals met" if ok else "goals NOT met")


if __name__ == "__main__":
    main()
