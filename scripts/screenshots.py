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
# Two reviewers on one article (submitted, for the agreement and adjudication screens) and a
# third article that alice is still working on (for the annotate screen).
REVIEWED = "roughly 11,000 troops"
BOTH = [
    (
        "Pyongyang sent roughly 11,000 troops to Russia last fall",
        "estimate",
        "half-true",
        "Military analysts",
    ),
    (
        "North Korean forces helped Russian units retake territory in the Kursk region",
        "claim",
        "true",
        "Korean Central News Agency",
    ),
    ("President Putin thanked North Korean forces", "claim", "true", "the Kremlin"),
]
BOB_DIFFERS = {
    "Pyongyang sent roughly 11,000 troops to Russia last fall": (
        "Pyongyang sent roughly 11,000 troops to Russia",
        "estimate",
        "mostly-true",
    ),
}
IN_PROGRESS = "recruited 12,000 soldiers"
ALICE = [
    ("Ukraine claimed it captured two Chinese citizens fighting alongside Russia", "claim",
     "true", "Ukraine"),
    ("Ukrainian troops clashed with six Chinese soldiers in total", "estimate", "half-true",
     ""),
    ("China of being involved “directly or indirectly” with the conflict", "claim",
     "unverifiable", "Volodymyr Zelenskyy"),
    ("Beijing has largely stayed out of the Ukraine war", "claim", "mostly-true", ""),
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from annotations.models import Article, ImportJob
    from annotations.services import annotating
    from annotations.services.agreement import compute_article_agreement, compute_corpus_agreement
    from annotations.services.imports import run_import_job

    call_command("migrate", verbosity=0)
    call_command("setup_demo", verbosity=0)
    for job in ImportJob.objects.all():
        run_import_job(job_id=job.pk)
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}

    def annotate(user, article, phrase, tag, verdict, claimant):
        start = article.text.index(phrase)
        annotating.create_annotation(
            user=user, article=article, start=start, end=start + len(phrase), quote=phrase,
            tag=tag, verdict=verdict, claimant=claimant,
        )  # fmt: skip

    reviewed = Article.objects.get(text__contains=REVIEWED)
    for phrase, tag, verdict, claimant in BOTH:
        annotate(users["alice"], reviewed, phrase, tag, verdict, claimant)
        bob_phrase, bob_tag, bob_verdict = BOB_DIFFERS.get(phrase, (phrase, tag, verdict))
        annotate(users["bob"], reviewed, bob_phrase, bob_tag, bob_verdict, claimant)
    for name in ("alice", "bob"):
        annotating.submit_article(user=users[name], article=reviewed)
    compute_article_agreement(article_id=reviewed.pk)
    compute_corpus_agreement()
    article = Article.objects.get(text__contains=IN_PROGRESS)
    for phrase, tag, verdict, claimant in ALICE:
        annotate(users["alice"], article, phrase, tag, verdict, claimant)
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
        carol.goto(f"{base}/adjudicate/")
        carol.locator("table a").first.click()
        carol.wait_for_load_state("networkidle")
        carol.screenshot(path=out / "adjudicate.png", full_page=True)
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
