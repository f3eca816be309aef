"""Take the README's screenshots from a demo database (not a test).

Run from the repository root with the project's virtualenv (Debian's Chromium must exist):

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

It builds a throwaway demo in a temporary folder: migrate, demo accounts, the seed articles
imported by the import job's own code, two reviewers' spans on one article, adjudication
data and an agreement report; then it serves the app and photographs the main screens.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPANS = {
    # article text containing the phrase -> [(reviewer, phrase, tag, verdict, claimant)]
    "roughly 11,000 troops": [
        ("alice", "Pyongyang sent roughly 11,000 troops to Russia last fall", "estimate",
         "half-true", "Military analysts"),
        ("bob", "Pyongyang sent roughly 11,000 troops to Russia", "estimate", "mostly-true",
         "Military analysts"),
    ],
}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from annotations.models import Annotation, Article, ImportJob, Tag
    from annotations.services import annotating
    from annotations.services.agreement import compute_article_agreement
    from annotations.services.imports import run_import_job

    call_command("migrate", verbosity=0)
    call_command("setup_demo", verbosity=0)
    for job in ImportJob.objects.all():
        run_import_job(job_id=job.pk)
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    for needle, spans in SPANS.items():
        article = Article.objects.get(text__contains=needle)
        for username, phrase, tag, verdict, claimant in spans:
            start = article.text.index(phrase)
            annotating.create_annotation(
                user=users[username], article=article, start=start, end=start + len(phrase),
                quote=phrase, tag=tag, verdict=verdict, claimant=claimant,
            )  # fmt: skip
        for claim in ("Kim Jong Un", "North Korea"):
            at = article.text.find(claim)
            if at >= 0 and not Annotation.objects.filter(start=at).exists():
                for username in ("alice", "bob"):
                    annotating.create_annotation(
                        user=users[username], article=article, start=at, end=at + len(claim),
                        quote=claim, tag=Tag.CLAIM, verdict="true", claimant="",
                    )  # fmt: skip
        annotating.submit_article(user=users["bob"], article=article)
    compute_article_agreement(article_id=article.pk)
    (Path(os.environ["FACTCHECK_VAR_DIR"]) / "article-id").write_text(str(article.pk))


def shoot(base: str, out: Path, article_id: str) -> None:
    from playwright.sync_api import sync_playwright

    args = [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ]  # fmt: skip
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=args
        )

        def session(username: str, width: int = 1280, height: int = 900):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", "demo-pass-2025")
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            return page

        alice = session("alice")
        alice.screenshot(path=out / "queue.png")
        link = f"/articles/{article_id}/"
        alice.goto(base + link)
        alice.wait_for_function("window.__workspaceReady > 0")
        alice.screenshot(path=out / "annotate.png")
        narrow = session("alice", 390, 844)
        narrow.screenshot(path=out / "queue-narrow.png")
        narrow.goto(base + link)
        narrow.wait_for_function("window.__workspaceReady > 0")
        narrow.screenshot(path=out / "annotate-narrow.png")
        admin = session("admin")
        admin.goto(f"{base}/imports/")
        admin.screenshot(path=out / "imports.png")
        carol = session("carol")
        carol.goto(f"{base}/agreement/")
        carol.screenshot(path=out / "agreement.png", full_page=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    opts = parser.parse_args()
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="factcheck-shots-"))
    env = {**os.environ, "DEBUG": "1", "FACTCHECK_VAR_DIR": str(tmp)}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, __file__, "--out", str(out)], env={**env, "_SHOTS_PREPARE": "1"},
        check=True, cwd=ROOT,
    )  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)
        shoot(f"http://127.0.0.1:{port}", out, (tmp / "article-id").read_text())
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"screenshots in {out}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if os.environ.get("_SHOTS_PREPARE"):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
        prepare()
    else:
        main()
