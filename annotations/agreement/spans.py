"""Span matching between reviewers: P/R/F1, one-to-one alignment into items, confusion matrices.

A span is ``(reviewer, start, end, tag, verdict)`` over character offsets, ``end`` exclusive.
Two spans *overlap* when they share at least one character: ``max(starts) < min(ends)``.

Pairwise matching of reviewer A's spans against reviewer B's (one-to-one, each span used at most
once):

* ``exact``: same ``start``, ``end`` and ``tag``;
* ``overlap``: overlapping and same ``tag``;
* ``overlap_tagblind``: overlapping, any tag.

For the overlap modes the pairs are chosen greedily: all candidate pairs are sorted by overlap
length (longest first), then by A's start, B's start, A's end, B's end (earliest first), and a
pair is taken when neither span is already matched.

With ``matched`` pairs, ``only_a = |A| - matched`` and ``only_b = |B| - matched``: recall
(A as reference) ``= matched/|A|``, precision ``= matched/|B|``,
``F1 = 2 matched/(|A| + |B|)``. Swapping A and B swaps precision and recall; F1 is symmetric.

Items (alignment across all reviewers, tag-blind): every span starts as its own item. Spans are
put in canonical order by (start, end, reviewer, tag, verdict); every pair of overlapping spans
by different reviewers is an edge, and edges are processed by overlap length (longest first),
then by the canonical position of the earlier span, then of the later one. An edge merges the
items of its two spans when their reviewer sets are disjoint; otherwise it is skipped. So each
item holds at most one span per reviewer, and every span of a multi-span item overlaps at least
one other span of it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, NamedTuple, TypedDict

from .metric import Metric, undefined

MODES: tuple[str, ...] = ("exact", "overlap", "overlap_tagblind")
TAG_MODES: tuple[str, ...] = ("exact", "overlap")
NONE_LABEL = "(none)"
MatchMode = Literal["exact", "overlap", "overlap_tagblind"]


class Span(NamedTuple):
    reviewer: str
    start: int
    end: int
    tag: str
    verdict: str | None = None


def as_span(obj: Any) -> Span:
    """Coerce a dict / tuple / NamedTuple with reviewer, start, end, tag[, verdict] to a Span."""
    if isinstance(obj, Span):
        return obj
    if isinstance(obj, Mapping):
        return Span(
            str(obj["reviewer"]),
            int(obj["start"]),
            int(obj["end"]),
            str(obj["tag"]),
            None if obj.get("verdict") is None else str(obj["verdict"]),
        )
    if hasattr(obj, "_asdict"):
        return as_span(obj._asdict())
    r, s, e, t, *rest = obj
    return Span(
        str(r), int(s), int(e), str(t), None if not rest or rest[0] is None else str(rest[0])
    )


class PairCounts(TypedDict):
    matched: int
    only_a: int
    only_b: int


class PRF(TypedDict):
    matched: int
    only_a: int
    only_b: int
    precision: Metric
    recall: Metric
    f1: Metric


def prf(counts: PairCounts) -> PRF:
    """Precision/recall/F1 of B against A from match counts (see module docstring)."""
    m, oa, ob = counts["matched"], counts["only_a"], counts["only_b"]
    n_a, n_b = m + oa, m + ob
    c = {"matched": m, "only_a": oa, "only_b": ob}
    if n_a + n_b == 0:
        reason = "neither reviewer marked any span"
        p = r = f = undefined(reason, c)
    else:
        p = _ratio(m / n_b, c) if n_b else undefined("reviewer B marked no span", c)
        r = _ratio(m / n_a, c) if n_a else undefined("reviewer A marked no span", c)
        f = _ratio(2 * m / (n_a + n_b), c)
    return {"matched": m, "only_a": oa, "only_b": ob, "precision": p, "recall": r, "f1": f}


def _ratio(value: float, counts: dict[str, int]) -> Metric:
    """``defined(value, counts)`` for a finite ratio of integer counts, built directly
    (hundreds of these per article report)."""
    return {
        "value": float(value),
        "undefined_reason": None,
        "counts": {k: int(v) for k, v in counts.items()},
        "components": {},
    }


def overlap_candidates(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[int, int, int]]:
    """All overlapping (i, j) with their overlap length, as (overlap, i, j)."""
    order = sorted(range(len(b)), key=lambda j: b[j].start)
    starts = [b[j].start for j in order]
    longest = max((t.end - t.start for t in b), default=0)
    out = []
    for i, s in enumerate(a):
        # Only B spans starting in (s.start - longest, s.end) can overlap s: a window, not O(|B|).
        lo = bisect_left(starts, s.start - longest + 1)
        for k in range(lo, bisect_left(starts, s.end)):
            t = b[order[k]]
            ov = min(s.end, t.end) - max(s.start, t.start)
            if ov > 0:
                out.append((ov, i, order[k]))
    return out


def greedy_match(
    a: Sequence[Span], b: Sequence[Span], candidates: Iterable[tuple[int, int, int]]
) -> list[tuple[int, int]]:
    """One-to-one greedy maximum-overlap matching (rule in the module docstring)."""
    ranked = sorted(
        candidates, key=lambda c: (-c[0], a[c[1]].start, b[c[2]].start, a[c[1]].end, b[c[2]].end)
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _, i, j in ranked:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return pairs


def _ranked_candidates(
    a: Sequence[Span], b: Sequence[Span]
) -> list[tuple[int, int, int, int, int, int, int]]:
    """The overlapping pairs in :func:`greedy_match`'s order, as plain tuples
    ``(-overlap, a.start, b.start, a.end, b.end, i, j)`` sorted without a key function.

    :func:`greedy_match` sorts the candidates of :func:`overlap_candidates` stably on the
    first five; those come ordered by ``i``, then by ``j`` among equal ``b.start``, and equal
    keys mean equal starts, so ``(i, j)`` is exactly the order a stable sort keeps.
    """
    order = sorted(range(len(b)), key=lambda j: b[j].start)
    starts = [b[j].start for j in order]
    longest = max((t.end - t.start for t in b), default=0)
    out = []
    for i, s in enumerate(a):
        s_start, s_end = s.start, s.end
        lo = bisect_left(starts, s_start - longest + 1)
        for k in range(lo, bisect_left(starts, s_end)):
            j = order[k]
            t = b[j]
            ov = min(s_end, t.end) - max(s_start, t.start)
            if ov > 0:
                out.append((-ov, s_start, t.start, s_end, t.end, i, j))
    out.sort()
    return out


def _greedy_ranked(
    ranked: Iterable[tuple[int, int, int, int, int, int, int]], n_a: int, n_b: int
) -> list[int]:
    """:func:`greedy_match` on ranked candidates; returns the matched indices of A."""
    used_a = [False] * n_a
    used_b = [False] * n_b
    matched = []
    for c in ranked:
        i, j = c[5], c[6]
        if not used_a[i] and not used_b[j]:
            used_a[i] = used_b[j] = True
            matched.append(i)
    return matched


class PairMatch(TypedDict):
    counts: dict[str, PairCounts]  # per mode
    by_tag: dict[str, dict[str, PairCounts]]  # tag -> mode ("exact", "overlap") -> counts


def match_pair(a: Sequence[Span], b: Sequence[Span]) -> PairMatch:
    """Match counts of two reviewers' spans in all three modes, overall and per tag."""
    tags_a = Counter(s.tag for s in a)
    tags_b = Counter(s.tag for s in b)
    # exact: multiset intersection on (start, end, tag)
    ka = Counter((s.start, s.end, s.tag) for s in a)
    kb = Counter((s.start, s.end, s.tag) for s in b)
    exact_by_tag: Counter[str] = Counter()
    for key, n in ka.items():
        if key in kb:
            exact_by_tag[key[2]] += min(n, kb[key])
    ranked = _ranked_candidates(a, b)
    # Filtering a ranked list keeps its order: the same-tag ranking is a sub-list of it.
    same_tag = [c for c in ranked if a[c[5]].tag == b[c[6]].tag]
    overlap_by_tag = Counter(a[i].tag for i in _greedy_ranked(same_tag, len(a), len(b)))
    n_blind = len(_greedy_ranked(ranked, len(a), len(b)))

    def counts(m: int, n_a: int, n_b: int) -> PairCounts:
        return {"matched": m, "only_a": n_a - m, "only_b": n_b - m}

    n_a, n_b = len(a), len(b)
    by_tag = {
        tag: {
            "exact": counts(exact_by_tag[tag], tags_a[tag], tags_b[tag]),
            "overlap": counts(overlap_by_tag[tag], tags_a[tag], tags_b[tag]),
        }
        for tag in sorted(set(tags_a) | set(tags_b))
    }
    return {
        "counts": {
            "exact": counts(sum(exact_by_tag.values()), n_a, n_b),
            "overlap": counts(sum(overlap_by_tag.values()), n_a, n_b),
            "overlap_tagblind": counts(n_blind, n_a, n_b),
        },
        "by_tag": by_tag,
    }


def align_items(spans: Sequence[Span]) -> list[dict[str, Span]]:
    """Align all reviewers' spans into items ``{reviewer: span}`` (rule in the module docstring).

    Items are returned ordered by their earliest span in canonical order.
    """
    canon = sorted(spans, key=lambda s: (s.start, s.end, s.reviewer, s.tag, s.verdict or ""))
    n = len(canon)
    edges = []
    for i in range(n):
        si = canon[i]
        for j in range(i + 1, n):
            sj = canon[j]
            if sj.start >= si.end:
                break  # canonical order is by start: no later span can overlap si
            if sj.reviewer != si.reviewer:
                edges.append((-(min(si.end, sj.end) - sj.start), i, j))
    edges.sort()
    parent = list(range(n))
    members: list[dict[str, int]] = [{canon[i].reviewer: i} for i in range(n)]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, i, j in edges:
        ri, rj = find(i), find(j)
        if ri == rj or members[ri].keys() & members[rj].keys():
            continue
        lo, hi = (ri, rj) if ri < rj else (rj, ri)
        parent[hi] = lo
        members[lo].update(members[hi])
    roots = sorted({find(i) for i in range(n)})
    return [{r: canon[k] for r, k in sorted(members[root].items())} for root in roots]


Confusion = dict[str, dict[str, int]]


def confusion_for_pair(
    items: Sequence[Mapping[str, Span]], a: str, b: str
) -> tuple[Confusion, Confusion]:
    """Tag and verdict confusion matrices ``{label_a: {label_b: n}}`` for reviewers a, b.

    Tags: every item marked by a or b; the reviewer who did not mark it gives ``"(none)"``.
    Verdicts: items marked by both, each with a verdict.
    """
    tags: dict[str, dict[str, int]] = {}
    verdicts: dict[str, dict[str, int]] = {}
    for item in items:
        sa, sb = item.get(a), item.get(b)
        if sa is None and sb is None:
            continue
        ta = sa.tag if sa is not None else NONE_LABEL
        tb = sb.tag if sb is not None else NONE_LABEL
        row = tags.setdefault(ta, {})
        row[tb] = row.get(tb, 0) + 1
        if sa is not None and sb is not None and sa.verdict is not None and sb.verdict is not None:
            row = verdicts.setdefault(sa.verdict, {})
            row[sb.verdict] = row.get(sb.verdict, 0) + 1
    return tags, verdicts
