"""Placing reviewer spans in claim groups as the groups grow (not a test).

A much-reported claim ("North Korea sent 11,000 troops") collects appearances from every
outlet and every reviewer. For each group size G it builds one claim group of G machine
appearances over G/20 articles whose sentences give clashing figures, marks NEW reviewer
spans over them as pending, and times the drain (``matching.process_pending``) that links
them into the group and looks for conflicts. Beside it, in the same run:

* baseline: one full conflict check of the group (``detect_conflicts`` over every pair), the
  work the drain did for *every* span before it compared only the new pairs, so the old
  per-span cost was at least this.

Runs on the configured database (DATABASE_URL, default SQLite); what it creates is deleted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench DEBUG=1 \\
        python benchmarks/bench_claims_placement.py --sizes 100 200 400
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402

from annotations import roles  # noqa: E402
from annotations.models import Annotation, Article, VerdictScale  # noqa: E402
from annotations.text.dedup import content_hash  # noqa: E402
from claims.models import Claim, ClaimAppearance, FigureConflict, LinkStatus  # noqa: E402
from claims.services import conflicts, matching  # noqa: E402

FIGURES = ["10,000 troops", "11,000 troops", "12,000 soldiers", "about 11,000 troops"]
SENTENCE = "North Korea has sent {} to fight in the Kursk region, officials said."
WIDTH = 80  # each sentence padded to this many code points
PER_ARTICLE = 20


def build_group(size: int, run: str) -> tuple[Claim, list[Article]]:
    """One claim group of ``size`` machine appearances (a multiple of 20) over size/20
    articles."""
    scale = VerdictScale.objects.default()
    claim = Claim.objects.create(canonical_text=f"troops ({run})")
    articles = []
    for n in range(max(1, size // PER_ARTICLE)):
        figure = FIGURES[n % len(FIGURES)]
        text = "".join(SENTENCE.format(figure).ljust(WIDTH) for _ in range(PER_ARTICLE * 2))
        text = f"{text}\n{run} {size} {n}"
        articles.append(
            Article.objects.create(
                title=f"bench {run} {n}", source=f"Outlet {n % 7}", text=text, raw=text,
                content_hash=content_hash(text), verdict_scale=scale,
            )
        )  # fmt: skip
    ClaimAppearance.objects.bulk_create(
        ClaimAppearance(
            claim=claim, article=a, start=k * WIDTH, end=k * WIDTH + 70,
            quote=a.text[k * WIDTH : k * WIDTH + 70], outlet=a.source,
            status=LinkStatus.AUTO_LINKED,
        )
        for a in articles
        for k in range(PER_ARTICLE)
    )  # fmt: skip
    return claim, articles


def pending_spans(articles: list[Article], reviewer: User, count: int) -> None:
    """``count`` reviewer spans over the machine spans' sentences (so they join the group),
    marked pending as a saved span is."""
    spans = []
    for i in range(count):
        a = articles[i % len(articles)]
        k = i // len(articles)
        start, end = k * WIDTH + 2, k * WIDTH + 60
        spans.append(
            Annotation(
                article=a, reviewer=reviewer, start=start, end=end, quote=a.text[start:end],
                prefix=a.text[max(0, start - 32) : start], suffix=a.text[end : end + 32],
                tag="claim", claims_pending=True,
            )
        )  # fmt: skip
    Annotation.objects.bulk_create(spans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400])
    parser.add_argument("--spans", type=int, default=200, help="new spans per size (<= size)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)  # a database of its own may be new
    run = str(int(time.time()))
    reviewer = User.objects.create_user(f"bench-placement-{run}")
    reviewer.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    Annotation.objects.filter(claims_pending=True).update(claims_pending=False)  # not ours
    rows = []
    made: list[tuple[Claim, list[Article]]] = []
    try:
        # Warm-up, not reported: imports, the matching lock row, the lexical index.
        made.append(build_group(PER_ARTICLE, f"{run}-warm"))
        pending_spans(made[0][1], reviewer, PER_ARTICLE)
        matching.process_pending()
        for size in args.sizes:
            claim, articles = build_group(size, run)
            made.append((claim, articles))
            started = time.perf_counter()
            conflicts.detect_conflicts(claim_id=claim.pk)  # every pair, as per span before
            full_check = time.perf_counter() - started
            count = min(args.spans, size)  # one reviewer span over each machine span at most
            pending_spans(articles, reviewer, count)
            started = time.perf_counter()
            result = matching.process_pending()
            drain = time.perf_counter() - started
            assert result == {"placed": count, "failed": 0}, result
            linked = ClaimAppearance.objects.filter(claim=claim, annotation__isnull=False).count()
            found = FigureConflict.objects.filter(claim=claim).count()
            rows.append((size, count, drain, full_check, linked, found))
    finally:
        for claim, articles in made:
            Annotation.objects.filter(article__in=articles).delete()
            Article.objects.filter(pk__in=[a.pk for a in articles]).delete()
            claim.delete()
        reviewer.delete()
    print()
    print(
        "| group size | spans placed | drain, ms per span | baseline: one full check of the "
        "group, ms (the old cost per span, at least) | ratio | appearances linked | conflicts |"
    )
    print("|---|---|---|---|---|---|---|")
    for size, count, drain, full_check, linked, found in rows:
        per_span = 1000 * drain / count
        print(
            f"| {size} | {count} | {per_span:.1f} | {1000 * full_check:.0f} | "
            f"{1000 * full_check / per_span:.0f}x | {linked} | {found} |"
        )


if __name__ == "__main__":
    main()
