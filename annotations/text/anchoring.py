"""Re-anchoring text annotations when an article's text is revised.

An annotation stores an :class:`Anchor`: half-open offsets in Unicode code points of the old
text, the quoted text, and up to 32 code points of context on each side (``context_for``).
When a revised text arrives, :func:`reanchor_all` moves every anchor to the new text and
returns one :class:`Placement` per anchor, saying how it was found. Nothing is ever dropped:
an anchor that cannot be placed comes back ``orphaned`` so that a reviewer can fix it.

Algorithm, per anchor (the first step that succeeds wins):

0. **Diff map** (once per revision, in ``reanchor_all``). The common suffix and then the common
   prefix of the two texts are trimmed (suffix first, so that text inserted just before a span
   never shifts it); the middle is diffed by paragraphs (compared with whitespace collapsed, so
   a reflowed paragraph still pairs with its old self, word by word) with
   ``difflib.SequenceMatcher``, and each changed run of paragraphs is diffed again by word
   tokens (skipped above 5,000 tokens, where only interpolation is used). The equal blocks
   give, for any old offset, an *expected* new offset (interpolated inside changed regions).
   A span is *carried* by the diff when one equal block covers the span and all of its stored
   prefix or suffix. ``reanchor`` on its own has no old text: the expected offset is the old
   one and nothing is carried.
1. **exact** — the quote is still at the same offsets, the diff does not say the text before it
   changed length, and at least one side of the context still fits (side score >= 0.5, below).
   Without this context check a duplicated phrase that happens to land on the old offsets
   would win over the real occurrence.
2. **exact search** — if the diff carries the span, its mapped place is taken. Otherwise every
   occurrence of the quote (``str.find``) is scored ``0.6 * context + 0.4 * position``:
   *context* is the mean of the prefix and suffix side scores; a side score is
   ``0.5 * Indel similarity + 0.5 * (length of the common run next to the quote / length)``
   between the stored context and as many code points beside the occurrence; a stored context
   shorter than 32 (the span was at the start or end of the document) is scaled down by the
   room the occurrence has, so "start/end of document" is part of the context; *position* is
   ``1 / (1 + distance / 64)`` from the expected offset. The best occurrence is accepted if
   its context is >= 0.5, or it is the only occurrence and the quote has >= 20 code points;
   status ``exact`` if it is at the old offsets, else ``moved``. Score 1.0 when carried or
   unique, else the combined score.
   An exact quote found only in an unfamiliar context is not accepted here: it goes on to
   step 4, where it will usually come back ``fuzzy`` and so be queued for review.
3. **whitespace-normalised search** — both the quote and the new text are searched with every
   whitespace run (line breaks, tabs, no-break and double spaces) collapsed to one space, and
   the match is mapped back to real offsets. Status ``moved`` (``exact`` if offsets and quote
   are unchanged and only the context was reflowed); the new quote is the real new text, which
   may differ from the old quote in whitespace only. Scoring as in step 2. This step runs only
   when some whitespace would change under normalisation, so unreflowed texts do not pay for it.
4. **fuzzy** — candidate regions are the expected region from the diff map, plus places voted
   for by exact hits of up to eight chunks of the quote anywhere in the text (so a paragraph
   that moved *and* changed is still found, without a slow scan of the whole text). In each
   region ``rapidfuzz.fuzz.partial_ratio_alignment`` aligns the quote; the boundaries are then
   refined (coordinate ascent on start and end, +-1/4 of the quote, for the best score below,
   so a changed last word is kept when the old suffix still follows it) and widened to whole
   words when the alignment cuts a word that the old quote did not cut. Score =
   ``0.8 * Indel similarity of the quotes + 0.2 * context``; accepted if >=
   ``fuzzy_threshold`` (0.75), otherwise the anchor is orphaned.
5. **orphaned** — offsets and quote ``None``, score 0.

``fuzzy`` and ``orphaned`` placements need a reviewer (``Placement.needs_review``).
The module is pure: no ORM, no I/O; it only reads the strings it is given.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

CONTEXT_WIDTH = 32
Status = Literal["exact", "moved", "fuzzy", "orphaned"]

_CONTEXT_WEIGHT = 0.6
_ACCEPT_CONTEXT = 0.5
_POSITION_SCALE = 64
_MAX_OCCURRENCES = 200
# A quote this long found once in the text is taken even if its context changed.
_DISTINCTIVE = 20
_QUOTE_WEIGHT = 0.8
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_WORD = re.compile(r"\S+")
# A paragraph runs to (and includes) the next blank line.
_PARAGRAPH = re.compile(r"(?s).+?(?:\n[^\S\n]*\n\s*|\Z)")
_MAX_DIFF_TOKENS = 5000
# Whitespace that normalisation changes: runs of two or more, or one that is not a plain space.
_ODD_SPACE = re.compile(r"\s{2,}|[^\S ]")


@dataclass(frozen=True)
class Anchor:
    """Where an annotation sits in the text it was made on (code point offsets, half-open)."""

    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"need 0 <= start < end, got start={self.start} end={self.end}")
        if len(self.quote) != self.end - self.start:
            raise ValueError(
                f"quote has {len(self.quote)} code points but end - start = {self.end - self.start}"
            )

    @classmethod
    def from_text(cls, text: str, start: int, end: int, width: int = CONTEXT_WIDTH) -> Anchor:
        """The anchor of ``text[start:end]`` with its context, as stored on an annotation."""
        prefix, suffix = context_for(text, start, end, width)
        return cls(start, end, text[start:end], prefix, suffix)


@dataclass(frozen=True)
class Placement:
    """Where an anchor landed in the new text, and how sure we are."""

    status: Status
    start: int | None
    end: int | None
    quote: str | None
    score: float

    @property
    def needs_review(self) -> bool:
        """Fuzzy and orphaned placements are queued for a reviewer to confirm or fix."""
        return self.status in ("fuzzy", "orphaned")


ORPHANED = Placement("orphaned", None, None, None, 0.0)


def context_for(text: str, start: int, end: int, width: int = CONTEXT_WIDTH) -> tuple[str, str]:
    """Up to ``width`` code points before ``start`` and after ``end`` (prefix, suffix)."""
    return text[max(0, start - width) : start], text[end : end + width]


def reanchor(
    anchor: Anchor,
    new_text: str,
    *,
    fuzzy_threshold: float = 0.75,
    old_text: str | None = None,
) -> Placement:
    """Place one anchor in ``new_text``.

    Without ``old_text`` there is no diff map: the expected position is the old offset.
    To place many anchors of the same revision, use :func:`reanchor_all`, which diffs once.
    """
    diff = _DiffMap(old_text, new_text) if old_text is not None else None
    return _place(anchor, _Target(new_text), diff, fuzzy_threshold)


def reanchor_all(
    anchors: Sequence[Anchor],
    old_text: str,
    new_text: str,
    *,
    fuzzy_threshold: float = 0.75,
) -> list[Placement]:
    """Place every anchor of ``old_text`` in ``new_text``; one placement per anchor, in order.

    The anchors' quotes are the truth: ``old_text`` only feeds the diff map, so an anchor that
    no longer matches ``old_text`` exactly is still placed (with a vaguer expected position).
    """
    if not anchors:
        return []
    target = _Target(new_text)
    diff = _DiffMap(old_text, new_text)
    return [_place(anchor, target, diff, fuzzy_threshold) for anchor in anchors]


# --- the steps -------------------------------------------------------------------------------


def _place(anchor: Anchor, target: _Target, diff: _DiffMap | None, threshold: float) -> Placement:
    text = target.text
    q = anchor.quote
    if diff is None:
        expected, expected_end, carried = anchor.start, anchor.end, False
    else:
        expected, expected_end, carried = diff.span(anchor)
    # Step 1: same offsets, if nothing before the span changed length.
    if expected == anchor.start and text[anchor.start : anchor.end] == q:
        sides = _side_scores(anchor.prefix, anchor.suffix, text, anchor.start, anchor.end)
        if max(sides) >= _ACCEPT_CONTEXT:
            return Placement("exact", anchor.start, anchor.end, q, 1.0)
    # Step 2: the diff carried the span over unchanged; else every occurrence, scored.
    if carried and text[expected : expected + len(q)] == q:
        status = "exact" if expected == anchor.start else "moved"
        return Placement(status, expected, expected + len(q), q, 1.0)
    found = _best_occurrence(q, anchor.prefix, anchor.suffix, text, expected)
    if found is not None:
        pos, score = found
        status = "exact" if pos == anchor.start else "moved"
        return Placement(status, pos, pos + len(q), q, score)
    # Step 3: the same search with whitespace runs collapsed.
    placed = _whitespace_search(anchor, target, expected)
    if placed is not None:
        return placed
    # Step 4: approximate match near the expected region or where chunks of the quote occur.
    return _fuzzy(anchor, text, expected, expected_end, threshold)


def _side_scores(prefix: str, suffix: str, text: str, start: int, end: int) -> tuple[float, float]:
    """How well the stored prefix and suffix fit the text around ``text[start:end]``."""
    before = text[max(0, start - max(len(prefix), CONTEXT_WIDTH)) : start]
    after = text[end : end + max(len(suffix), CONTEXT_WIDTH)]
    return _side(prefix, before, from_end=True), _side(suffix, after, from_end=False)


def _side(stored: str, actual: str, *, from_end: bool) -> float:
    if not stored or not actual:
        # Empty context means "start (or end) of the document": it fits only the same.
        return 1.0 if stored == actual else 0.0
    # The window is at least CONTEXT_WIDTH long; compare like with like where we can.
    if len(actual) > len(stored):
        longer_by = len(actual) - len(stored)
        actual_cmp = actual[longer_by:] if from_end else actual[: len(stored)]
    else:
        actual_cmp = actual
    run = 0
    for a, b in zip(
        reversed(stored) if from_end else stored,
        reversed(actual_cmp) if from_end else actual_cmp,
        strict=False,
    ):
        if a != b:
            break
        run += 1
    sim = Indel.normalized_similarity(stored, actual_cmp)
    score = 0.5 * sim + 0.5 * run / len(stored)
    if len(actual) > len(stored):
        # A short stored context means the span was near a document edge; here it is not.
        score *= len(stored) / len(actual)
    return score


def _context(prefix: str, suffix: str, text: str, start: int, end: int) -> float:
    before, after = _side_scores(prefix, suffix, text, start, end)
    return (before + after) / 2


def _position(pos: int, expected: int) -> float:
    return 1.0 / (1.0 + abs(pos - expected) / _POSITION_SCALE)


def _occurrences(needle: str, haystack: str, expected: int) -> list[int]:
    found = []
    i = haystack.find(needle)
    while i != -1:
        found.append(i)
        i = haystack.find(needle, i + 1)
    if len(found) > _MAX_OCCURRENCES:
        # A very common quote ("the"): only the places nearest the expected one are plausible.
        found = sorted(found, key=lambda p: abs(p - expected))[:_MAX_OCCURRENCES]
    return found


def _best_occurrence(
    quote: str, prefix: str, suffix: str, text: str, expected: int
) -> tuple[int, float] | None:
    """The best-fitting occurrence of ``quote`` and its score, or None if none is good enough."""
    positions = _occurrences(quote, text, expected)
    if not positions:
        return None
    best: tuple[float, float, int] | None = None
    for p in positions:
        ctx = _context(prefix, suffix, text, p, p + len(quote))
        total = _CONTEXT_WEIGHT * ctx + (1 - _CONTEXT_WEIGHT) * _position(p, expected)
        if best is None or total > best[0]:
            best = (total, ctx, p)
    assert best is not None
    total, ctx, p = best
    if len(positions) == 1 and (ctx >= _ACCEPT_CONTEXT or len(quote) >= _DISTINCTIVE):
        return p, 1.0
    if ctx >= _ACCEPT_CONTEXT:
        return p, round(total, 4)
    return None


def _whitespace_search(anchor: Anchor, target: _Target, expected: int) -> Placement | None:
    q, prefix, suffix = (_normalise(s) for s in (anchor.quote, anchor.prefix, anchor.suffix))
    unchanged = (q, prefix, suffix) == (anchor.quote, anchor.prefix, anchor.suffix)
    if unchanged and not target.has_odd_space:
        return None  # the normalised search would repeat step 2
    norm = target.normalised
    found = _best_occurrence(q, prefix, suffix, norm.text, norm.to_norm(expected))
    if found is None:
        return None
    pos, score = found
    start, end = norm.to_real(pos, pos + len(q))
    quote = target.text[start:end]
    status = "exact" if (start, quote) == (anchor.start, anchor.quote) else "moved"
    return Placement(status, start, end, quote, score)


def _fuzzy(
    anchor: Anchor, text: str, expected: int, expected_end: int, threshold: float
) -> Placement:
    q = anchor.quote
    margin = max(CONTEXT_WIDTH, len(q) // 2)
    regions = [(expected, expected_end)]
    regions += [(c, c + len(q)) for c in _seed_candidates(q, text)]
    best: tuple[float, int, int] | None = None
    seen: set[tuple[int, int]] = set()
    for lo, hi in regions:
        w0, w1 = max(0, min(lo, hi) - margin), min(len(text), max(lo, hi) + margin)
        if w1 <= w0:
            continue
        window = text[w0:w1]
        if len(window) >= len(q):
            al = fuzz.partial_ratio_alignment(q, window)
            start, end = w0 + al.dest_start, w0 + al.dest_end
        else:
            start, end = w0, w1
        start, end = _refine(anchor, text, start, end)
        start, end = _snap(anchor, text, start, end)
        if (start, end) in seen or end <= start:
            continue
        seen.add((start, end))
        score = _fuzzy_score(anchor, text, start, end)
        if best is None or score > best[0]:
            best = (score, start, end)
    if best is None or best[0] < threshold:
        return ORPHANED
    score, start, end = best
    return Placement("fuzzy", start, end, text[start:end], round(score, 4))


def _seed_candidates(quote: str, text: str, limit: int = 3) -> list[int]:
    """Likely starts of ``quote`` in ``text``, voted for by exact hits of chunks of the quote."""
    size = max(6, min(16, len(quote) // 4))
    if len(quote) < size:
        return []
    step = max(size, (len(quote) - size) // 7)
    votes: Counter[int] = Counter()
    for offset in range(0, len(quote) - size + 1, step):
        chunk = quote[offset : offset + size]
        hits = []
        i = text.find(chunk)
        while i != -1 and len(hits) <= 20:
            hits.append(i)
            i = text.find(chunk, i + 1)
        if len(hits) > 20:
            continue  # not distinctive
        for hit in hits:
            votes[(hit - offset) // 16] += 1
    return [bucket * 16 for bucket, _ in votes.most_common(limit)]


def _fuzzy_score(anchor: Anchor, text: str, start: int, end: int) -> float:
    quote_sim = Indel.normalized_similarity(anchor.quote, text[start:end])
    ctx = _context(anchor.prefix, anchor.suffix, text, start, end)
    return _QUOTE_WEIGHT * quote_sim + (1 - _QUOTE_WEIGHT) * ctx


def _refine(anchor: Anchor, text: str, start: int, end: int) -> tuple[int, int]:
    """Move start, then end, then start again to the best fuzzy score.

    The score includes the context, so a changed word at the edge of the span is kept when the
    stored suffix (or prefix) still fits after it, rather than cut for a closer quote.
    """
    reach = max(4, min(40, len(anchor.quote) // 4))
    for move_start in (True, False, True):
        best = (_fuzzy_score(anchor, text, start, end), start, end)
        for d in sorted(range(-reach, reach + 1), key=abs):
            s, e = (start + d, end) if move_start else (start, end + d)
            if 0 <= s < e <= len(text) and (score := _fuzzy_score(anchor, text, s, e)) > best[0]:
                best = (score, s, e)
        _, start, end = best
    return start, end


def _snap(anchor: Anchor, text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a fuzzy match to whole words where the old quote did not cut a word."""
    q = anchor.quote
    starts_mid_word = bool(anchor.prefix) and anchor.prefix[-1].isalnum() and q[0].isalnum()
    ends_mid_word = bool(anchor.suffix) and anchor.suffix[0].isalnum() and q[-1].isalnum()
    if not starts_mid_word:
        while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
    if not ends_mid_word:
        while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
            end += 1
    # Do not gain or lose edge whitespace the old quote did not have.
    while start < end and text[start].isspace() and not q[0].isspace():
        start += 1
    while end > start and text[end - 1].isspace() and not q[-1].isspace():
        end -= 1
    return start, end


# --- support: whitespace normalisation and the diff map -----------------------------------------


def _normalise(s: str) -> str:
    return _ODD_SPACE.sub(" ", s)


class _Normalised:
    """``text`` with every whitespace run collapsed to one space, and the way back."""

    def __init__(self, text: str) -> None:
        parts: list[str] = []
        # Parallel lists: where each changed run starts in normalised and in real offsets.
        self._norm: list[int] = []
        self._real: list[int] = []
        self._real_end: list[int] = []
        real = norm = 0
        for m in _ODD_SPACE.finditer(text):
            parts.append(text[real : m.start()])
            norm += m.start() - real
            self._norm.append(norm)
            self._real.append(m.start())
            self._real_end.append(m.end())
            parts.append(" ")
            norm += 1
            real = m.end()
        parts.append(text[real:])
        self.text = "".join(parts)

    def to_real(self, start: int, end: int) -> tuple[int, int]:
        return self._real_of(start, at_end=False), self._real_of(end - 1, at_end=True) + 1

    def _real_of(self, n: int, *, at_end: bool) -> int:
        i = bisect.bisect_right(self._norm, n) - 1
        if i < 0:
            return n
        if n == self._norm[i]:  # the collapsed run itself
            return self._real_end[i] - 1 if at_end else self._real[i]
        return self._real_end[i] + (n - self._norm[i] - 1)

    def to_norm(self, real: int) -> int:
        i = bisect.bisect_right(self._real, real) - 1
        if i < 0:
            return real
        if real < self._real_end[i]:
            return self._norm[i]
        return self._norm[i] + 1 + (real - self._real_end[i])


class _Target:
    """The new text, with its normalised form built only if some anchor needs it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.has_odd_space = _ODD_SPACE.search(text) is not None
        self._normalised: _Normalised | None = None

    @property
    def normalised(self) -> _Normalised:
        if self._normalised is None:
            self._normalised = _Normalised(self.text)
        return self._normalised


class _DiffMap:
    """Equal blocks ``(old_start, new_start, length)`` between two texts, sorted, merged."""

    def __init__(self, old: str, new: str) -> None:
        self.old_len, self.new_len = len(old), len(new)
        limit = min(len(old), len(new))
        suffix = _common_length(old[::-1], new[::-1], limit)
        prefix = _common_length(old, new, limit - suffix)
        blocks: list[tuple[int, int, int]] = []
        if prefix:
            blocks.append((0, 0, prefix))
        old_mid, new_mid = old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]
        blocks += _diff_paragraphs(old_mid, new_mid, prefix, prefix)
        if suffix:
            blocks.append((len(old) - suffix, len(new) - suffix, suffix))
        merged: list[tuple[int, int, int]] = []
        for block in blocks:
            if merged:
                o, n, length = merged[-1]
                if o + length == block[0] and n + length == block[1]:
                    merged[-1] = (o, n, length + block[2])
                    continue
            merged.append(block)
        self.blocks = merged
        self._starts = [b[0] for b in merged]

    def map(self, x: int, *, at_end: bool = False) -> tuple[int, int]:
        """Expected new offset of old offset ``x``, and the index of the block holding it (-1)."""
        i = bisect.bisect_right(self._starts, x - 1 if at_end else x) - 1
        if i >= 0:
            o, n, length = self.blocks[i]
            if x < o + length or (at_end and x == o + length):
                return n + x - o, i
            gap_old, gap_new = o + length, n + length
        else:
            gap_old = gap_new = 0
        if i + 1 < len(self.blocks):
            next_old, next_new = self.blocks[i + 1][0], self.blocks[i + 1][1]
        else:
            next_old, next_new = self.old_len, self.new_len
        span = next_old - gap_old
        ratio = (x - gap_old) / span if span else 0.0
        return gap_new + round(ratio * (next_new - gap_new)), -1

    def span(self, anchor: Anchor) -> tuple[int, int, bool]:
        """Expected new start and end of the anchor, and whether the diff carries it over."""
        start, i = self.map(anchor.start)
        end, j = self.map(anchor.end, at_end=True)
        carried = False
        if i != -1 and i == j:
            o, _, length = self.blocks[i]
            carried = (
                o <= anchor.start - len(anchor.prefix)
                or anchor.end + len(anchor.suffix) <= o + length
            )
        return start, max(start, end), carried


def _common_length(a: str, b: str, limit: int) -> int:
    """Length of the common prefix of ``a`` and ``b``, at most ``limit``."""
    lo, hi = 0, limit
    while lo < hi:  # binary search: slices compare in C
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _diff_paragraphs(old: str, new: str, old0: int, new0: int) -> list[tuple[int, int, int]]:
    """Diff paragraphs compared with whitespace collapsed, then inside changed paragraphs."""
    if not old or not new:
        return []
    a, b = _PARAGRAPH.findall(old), _PARAGRAPH.findall(new)
    a_at, b_at = _starts(a, old0), _starts(b, new0)
    matcher = difflib.SequenceMatcher(
        None, [" ".join(p.split()) for p in a], [" ".join(p.split()) for p in b], autojunk=False
    )
    blocks = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                blocks += _pair_words(a[i1 + k], b[j1 + k], a_at[i1 + k], b_at[j1 + k])
        elif tag == "replace":
            blocks += _diff_tokens("".join(a[i1:i2]), "".join(b[j1:j2]), a_at[i1], b_at[j1])
    return blocks


def _pair_words(old: str, new: str, old0: int, new0: int) -> list[tuple[int, int, int]]:
    """Blocks for two paragraphs with the same words: the words and any identical spacing."""
    if old == new:
        return [(old0, new0, len(old))]
    blocks = []
    a, b = list(_WORD.finditer(old)), list(_WORD.finditer(new))
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        blocks.append((old0 + x.start(), new0 + y.start(), x.end() - x.start()))
        if k + 1 < len(a) and old[x.end() : a[k + 1].start()] == new[y.end() : b[k + 1].start()]:
            blocks.append((old0 + x.end(), new0 + y.end(), a[k + 1].start() - x.end()))
    return blocks


def _diff_tokens(old: str, new: str, old0: int, new0: int) -> list[tuple[int, int, int]]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    if max(len(a), len(b)) > _MAX_DIFF_TOKENS:
        # A rewrite this large would make the diff slow; the searches below do not need it,
        # only the position prior gets vaguer (interpolated across the rewritten region).
        return []
    a_at, b_at = _starts(a, old0), _starts(b, new0)
    # Whitespace tokens may extend a match but never start one: otherwise every space of one
    # text pairs with every space of the other and the diff turns quadratic.
    matcher = difflib.SequenceMatcher(_is_blank, a, b)
    return [
        (a_at[i], b_at[j], a_at[i + n] - a_at[i]) for i, j, n in matcher.get_matching_blocks() if n
    ]


def _is_blank(piece: str) -> bool:
    return piece.isspace()


def _starts(pieces: list[str], origin: int) -> list[int]:
    """Offsets of each piece, plus the end, when the pieces are laid end to end at ``origin``."""
    at = [origin]
    for piece in pieces:
        at.append(at[-1] + len(piece))
    return at
