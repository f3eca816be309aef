"""Cleaning cost per 200 articles: the old script detection (unicodedata.name per letter) vs now.

Same run, same corpus: the five seed articles and the text fixtures as they arrive (headers,
boilerplate, captions) plus generated ~3 kB articles made of their lines with words swapped,
200 in all. Prints, best of --repeat runs each:

* detect_language: the previous implementation (kept below as the baseline) vs the current one;
* clean_text: the whole cleaning with the previous versions of its hot spots swapped in
  (detect_language, the boilerplate table loop, the sidebar search, normalize_text; kept below
  verbatim) vs the current code - and the results are checked to be identical;
* optionally (--profile) the top functions of the current clean_text under cProfile.

    python benchmarks/bench_cleaning.py [--count 200] [--repeat 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from annotations.text import cleaning, normalize  # noqa: E402

VOCAB = "officials ministry report border troops region analysts figures statement".split()


def detect_language_old(text: str) -> str | None:
    """The implementation before this change, verbatim: the baseline."""
    letters = [ch for ch in text[:5000] if ch.isalpha()]
    if len(letters) < 20:
        return None
    names = [unicodedata.name(ch, "") for ch in letters]

    def share(prefix: str) -> float:
        return sum(1 for n in names if n.startswith(prefix)) / len(names)

    if share("HANGUL") > 0.3:
        return "ko"
    if share("CJK") + share("HIRAGANA") + share("KATAKANA") > 0.3:
        return "ja" if share("HIRAGANA") + share("KATAKANA") > 0.05 else "zh"
    if share("ARABIC") > 0.3:
        return "ar"
    if share("CYRILLIC") > 0.3:
        return "uk" if re.search("[іїєґІЇЄҐ]", text) else "ru"
    words = re.findall(r"[a-z]+", text[:5000].lower())
    if words and sum(1 for w in words if w in cleaning._EN_WORDS) / len(words) > 0.08:
        return "en"
    return None


def pattern_reason_old(line: str) -> str | None:
    """Previous boilerplate check: each table row tried in a Python loop (~20 calls a line)."""
    s = line.strip()
    if not s:
        return None
    for rx, reason in cleaning._COMPILED_PATTERNS:
        if rx.fullmatch(s):
            return reason
    return None


def trailing_sidebar_start_old(lines: list[str], decided: dict[int, str]) -> int | None:
    """Previous sidebar search: every line split twice and tried against the heading table."""
    body_words_before = 0
    total_words = sum(len(ln.split()) for i, ln in enumerate(lines) if i not in decided)
    for i, ln in enumerate(lines):
        if i in decided:
            continue
        s = ln.strip()
        if s and cleaning.SIDEBAR_HEADINGS.fullmatch(s) and body_words_before >= 30:
            tail_words = total_words - body_words_before
            if tail_words < body_words_before:
                return i
        body_words_before += len(s.split())
    return None


def normalize_text_old(text: str) -> str:
    """Previous normaliser: every substitution and NFC on every text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = normalize._UNICODE_NEWLINES_RE.sub("\n", text)
    text = normalize._INVISIBLE_RE.sub("", text)
    text = normalize._CONTROL_RE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = normalize._TRAILING_WS_RE.sub("", text)
    text = normalize._BLANK_RUN_RE.sub("\n\n", text)
    return text.strip("\n")


# The functions of the cleaning module that were hot spots, with their previous versions.
BASELINE = {
    "detect_language": detect_language_old,
    "_pattern_reason": pattern_reason_old,
    "_trailing_sidebar_start": trailing_sidebar_start_old,
    "normalize_text": normalize_text_old,
}


def corpus(count: int) -> list[str]:
    sources = sorted((REPO / "seeds").glob("*.txt"))
    sources += sorted(
        p
        for p in (REPO / "tests" / "fixtures" / "text").glob("*.txt")
        if not p.name.endswith(".expected.txt")
    )
    texts = [p.read_text(encoding="utf-8") for p in sources]
    rng = random.Random(14)
    out = list(texts)
    while len(out) < count:
        lines = rng.choice(texts).split("\n")
        body = lines[:6] + rng.sample(lines[6:], k=len(lines[6:]))  # header stays a header
        varied = []
        for line in body:
            words = line.split(" ")
            for j in range(0, len(words), 5):
                if len(words[j]) > 3:
                    words[j] = rng.choice(VOCAB)
            varied.append(" ".join(words))
        out.append("\n".join(varied)[:3500])
    return out[:count]


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    texts = corpus(args.count)
    chars = sum(map(len, texts))
    cleaned = [cleaning.clean_text(t).text for t in texts]
    assert [detect_language_old(t) for t in cleaned] == [
        cleaning.detect_language(t) for t in cleaned
    ], "the new detector must give the same answers"

    def clean_all() -> None:
        for t in texts:
            cleaning.clean_text(t)

    new_detect = best_of(args.repeat, lambda: [cleaning.detect_language(t) for t in cleaned])
    old_detect = best_of(args.repeat, lambda: [detect_language_old(t) for t in cleaned])
    new_clean = best_of(args.repeat, clean_all)
    current = {name: getattr(cleaning, name) for name in BASELINE}
    # clean_text looks these names up in its module at call time: swap the old ones in.
    for name, fn in BASELINE.items():
        setattr(cleaning, name, fn)
    try:
        baseline_results = [cleaning.clean_text(t) for t in texts]
        old_clean = best_of(args.repeat, clean_all)
    finally:
        for name, fn in current.items():
            setattr(cleaning, name, fn)
    assert baseline_results == [cleaning.clean_text(t) for t in texts], "same cleaning results"

    print(f"{len(texts)} articles, {chars / len(texts) / 1000:.1f} kB each on average")
    print(f"{'step':<34}{'baseline (old)':>16}{'now':>10}{'speed-up':>10}")
    for label, old, new in (
        (f"detect_language, {len(texts)} articles", old_detect, new_detect),
        (f"clean_text, {len(texts)} articles", old_clean, new_clean),
    ):
        print(f"{label:<34}{old * 1000:>13.1f} ms{new * 1000:>7.1f} ms{old / new:>9.1f}x")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(clean_all)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
