"""Re-anchoring speed: 1,000 annotations on a ~100k-character article, against str.find.

Run from the repository root: ``python benchmarks/bench_anchoring.py``.

The article is built from the words of the seed articles (seeded random, so every run is the
same text) in paragraphs of sentences; 1,000 spans of 3-12 words are anchored on it. Each
scenario is a revision of that article; the baseline is a plain ``str.find`` of every quote in
the new text, timed in the same run. Figures are the best of five runs.
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.text.anchoring import Anchor, reanchor_all  # noqa: E402

ANNOTATIONS = 1000
TARGET_CHARS = 100_000


def build_article(rng: random.Random) -> str:
    words = re.findall(r"[A-Za-z][A-Za-z'-]+|\d[\d,]*", " ".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))
    ))  # fmt: skip
    paragraphs, size = [], 0
    while size < TARGET_CHARS:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(8, 25)))
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        paragraphs.append(" ".join(sentences))
        size += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)


def make_anchors(text: str, rng: random.Random) -> list[Anchor]:
    bounds = [m.span() for m in re.finditer(r"\S+", text)]
    anchors = []
    for _ in range(ANNOTATIONS):
        first = rng.randrange(len(bounds) - 12)
        last = first + rng.randint(2, 11)
        anchors.append(Anchor.from_text(text, bounds[first][0], bounds[last][1]))
    return anchors


def revise(text: str, rng: random.Random) -> str:
    """A heavy revision: a new lead, corrected figures, cut sentences, reflow, a moved paragraph."""
    paragraphs = text.split("\n\n")
    for i in range(0, len(paragraphs), 10):  # a word corrected in every tenth paragraph
        words = paragraphs[i].split(" ")
        j = rng.randrange(len(words))
        words[j] = words[j][::-1] if len(words[j]) > 3 else "12,000"
        paragraphs[i] = " ".join(words)
    for i in range(5, len(paragraphs), 15):  # a sentence cut from every fifteenth paragraph
        sentences = paragraphs[i].split(". ")
        del sentences[rng.randrange(len(sentences))]
        paragraphs[i] = ". ".join(sentences)
    for i in range(3, len(paragraphs), 7):  # every seventh paragraph hard-wrapped
        paragraphs[i] = re.sub(r"(.{60,70}?) ", "\\1\n", paragraphs[i])
    paragraphs.append(paragraphs.pop(len(paragraphs) // 2))  # one paragraph moved to the end
    lead = "Editor's note: this article was revised on April 29 after new reports from Kyiv."
    return lead + "\n\n" + "\n\n".join(paragraphs)


def best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    rng = random.Random(20250428)
    old = build_article(rng)
    anchors = make_anchors(old, rng)
    scenarios = {
        "unchanged": old,
        "paragraph inserted at top": "A new opening paragraph.\n\n" + old,
        "heavy revision": revise(old, rng),
        "whole text hard-wrapped": re.sub(r"(.{60,70}?) ", "\\1\n", old),
        "blank lines removed (worst)": old.replace("\n\n", "\n"),
    }
    print(f"article: {len(old):,} chars, {len(anchors):,} annotations")
    print(f"{'scenario':28} {'reanchor_all':>13} {'per annot.':>11} {'str.find':>11} {'ratio':>6}")
    for name, new in scenarios.items():
        ours = best_of(5, lambda new=new: reanchor_all(anchors, old, new))
        baseline = best_of(5, lambda new=new: [new.find(a.quote) for a in anchors])
        statuses = Counter(p.status for p in reanchor_all(anchors, old, new))
        print(
            f"{name:28} {ours * 1e3:10.1f} ms {ours / len(anchors) * 1e6:8.1f} us "
            f"{baseline / len(anchors) * 1e6:8.1f} us {ours / baseline:5.1f}x  "
            + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
        )


if __name__ == "__main__":
    main()
