"""Revising an annotated article: revise_article against the pure re-anchoring it calls.

Run from the repository root: ``python benchmarks/bench_revise.py [annotations]``.

A throwaway SQLite database (in a temporary folder, migrated here) holds one article built
from the five seed articles (~16k characters) with N annotations (default 600) by three
reviewers. Each scenario revises it to a new text and back; the baseline is
``reanchor_all`` on the same anchors and texts, timed in the same run, so the difference is
the cost of the database work: archiving the old text, the MinHash signature, one UPDATE and
one audit event per moved annotation. Figures are the best of three runs.
"""

from __future__ import annotations

import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-revise-")
os.environ.update(DEBUG="1", DATABASE_URL=f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from annotations.models import Annotation, AuditEvent  # noqa: E402
from annotations.services.revisions import revise_article  # noqa: E402
from annotations.text import CleanedText  # noqa: E402
from annotations.text.anchoring import Anchor, reanchor_all  # noqa: E402
from tests.factories import make_annotation, make_article, make_user  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 600


def article_text() -> str:
    texts = [p.read_text(encoding="utf-8").strip() for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return "\n\n".join(texts)


def scenarios(text: str) -> dict[str, str]:
    paragraphs = text.split("\n\n")
    inserted = "Editor's note: this article was updated with corrections from the agency."
    return {
        "paragraph inserted at the top (all move)": inserted + "\n\n" + text,
        "one figure corrected mid-text (few change)": re.sub(r"\d", "7", text, count=1),
        "reflowed at 60 columns (most move)": "\n\n".join(
            re.sub(r"(.{1,60})(?:\s+|$)", r"\1\n", p).strip() for p in paragraphs
        ),
    }


def best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    call_command("migrate", verbosity=0)
    text = article_text()
    article = make_article(text)
    users = [make_user(f"r{i}") for i in range(3)]
    rng = random.Random(7)
    words = [m.span() for m in re.finditer(r"\S+", text)]
    for i in range(N):
        first = rng.randrange(len(words) - 12)
        start, end = words[first][0], words[first + rng.randint(1, 10)][1]
        make_annotation(article, users[i % 3], start, end)
    print(f"{len(text):,} characters, {N} annotations, SQLite")
    head = f"{'scenario':46} {'reanchor_all':>12} {'revise_article':>15} {'ratio':>6}"
    print(head + "  moved/written")
    for name, new_text in scenarios(text).items():
        anchors = [
            Anchor(a.start, a.end, a.quote, a.prefix, a.suffix)
            for a in Annotation.objects.filter(article=article)
        ]
        base = best(lambda anchors=anchors, new=new_text: reanchor_all(anchors, text, new))
        timings = []
        for _ in range(3):
            before = AuditEvent.objects.count()
            t = time.perf_counter()
            result = revise_article(
                article_id=article.pk, raw=new_text, raw_format="text",
                cleaned=CleanedText(text=new_text),
            )  # fmt: skip
            timings.append(time.perf_counter() - t)
            written = AuditEvent.objects.count() - before - 1
            # Back to the original text (untimed), so every run starts from the same state.
            revise_article(
                article_id=article.pk, raw=text, raw_format="text", cleaned=CleanedText(text=text)
            )
        took = min(timings)
        print(
            f"{name:46} {base * 1000:10.1f}ms {took * 1000:13.1f}ms {took / base:6.1f}  "
            f"{result.counts.get('moved', 0)}/{written}"
        )


if __name__ == "__main__":
    main()
