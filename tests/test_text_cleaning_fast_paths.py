"""Faster cleaning gives exactly the results of the code it replaced (bench_cleaning.py)."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.text import cleaning, normalize

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "bench_cleaning", REPO / "benchmarks" / "bench_cleaning.py"
)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

# Lines near the boilerplate table's edges: furniture, and sentences that merely contain it.
LINES = [
    "Advertisement", "Subscribe", "Read more: Kim visits Moscow", "Share this article",
    "Photo: Reuters", "© AFP 2025", "Follow us on Twitter", "Updated 2 hours ago",
    "Sign up for our newsletter to get the news in your inbox", "Most popular", "News Feed",
    "More from the Kyiv desk", "“Subscribe to nothing,” she said.", "Home", "Menu", "Print",
    "Get the day's top headlines delivered to your inbox by subscribing to our newsletter.",
    "All rights reserved.", "Reporting by Tom Balmforth; editing by Jane Doe",
    "North Korean troops fought in Kursk, the agency said on Monday.", "", " ", "\u00a0",
    "Text with\u200b invisible\u00ad marks", "cafe\u0301 in NFD", "line with CR\r", "tab\tend\t",
]  # fmt: skip


def test_boilerplate_table_as_one_regex_matches_row_by_row():
    for line in LINES:
        assert cleaning._pattern_reason(line) == bench.pattern_reason_old(line), line


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=60)), max_size=40))
def test_cleaning_equals_the_baseline_on_random_texts(lines):
    text = "\n".join(lines)
    assert normalize.normalize_text(text) == bench.normalize_text_old(text)
    for line in lines:
        assert cleaning._pattern_reason(line) == bench.pattern_reason_old(line)
    split = normalize.normalize_text(text).split("\n")
    assert cleaning._trailing_sidebar_start(split, {}) == bench.trailing_sidebar_start_old(
        split, {}
    )


def test_sidebar_heading_length_bound_holds():
    assert cleaning.SIDEBAR_HEADINGS.fullmatch("more from " + "x" * 40)
    assert len("more from " + "x" * 40) == cleaning._MAX_SIDEBAR_HEADING_CHARS
    assert not cleaning.SIDEBAR_HEADINGS.fullmatch("more from " + "x" * 41)


def test_whole_cleaning_equals_the_baseline_on_the_benchmark_corpus(monkeypatch):
    texts = bench.corpus(60)
    rng = random.Random(5)
    long_body = " ".join(rng.choice(["word", "troops", "Kursk"]) for _ in range(80))
    texts.append(f"Headline here for it\n\n{long_body}\n\nMost popular\n\nOther story one")
    now = [cleaning.clean_text(t) for t in texts]
    for name, fn in bench.BASELINE.items():
        monkeypatch.setattr(cleaning, name, fn)
    assert [cleaning.clean_text(t) for t in texts] == now
    assert any(r.reason.startswith("sidebar") for r in now[-1].removed)
