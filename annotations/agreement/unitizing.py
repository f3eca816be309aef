"""Krippendorff's unitizing alpha (alpha_U) over a continuum, per category and overall.

Definitions (Krippendorff 1995, "On the reliability of unitizing continuous data"; 2004,
*Content Analysis* 2nd ed. §12.4; as implemented in DKPro Statistics). For one category ``c``,
each of the ``m`` coders divides the continuum of length ``L`` into *units* (sections it
marked ``c``) and *gaps* (the maximal stretches between them, including before the first and
after the last unit; a coder with no ``c`` unit has one gap of length ``L``).

* Distance of two sections ``g`` (coder i) and ``h`` (coder j != i):
  both units and overlapping: ``(b_g - b_h)^2 + (e_g - e_h)^2``; a unit lying completely inside
  a gap of the other coder: its length squared; anything else: 0.
* ``D_o(c) = sum_{i != j} sum_{g in S_i} sum_{h in S_j} delta2(g, h) / (m (m - 1) L^2)`` where
  ``S_i`` are all sections (units and gaps) of coder i, so a unit inside the other coder's gap
  is counted in both ordered pairs (i, j) and (j, i).
* ``D_e(c) = (2/L) sum_{units g} [ (N_c - 1)/3 (2 l_g^3 - 3 l_g^2 + l_g)
  + l_g^2 sum_{gaps h, l_h >= l_g} (l_h - l_g + 1) ]
  / (m L (m L - 1) - sum_{units g} l_g (l_g - 1))``
  with ``N_c`` the number of ``c`` units of all coders and gaps taken over all coders.
* ``alpha_U(c) = 1 - D_o(c)/D_e(c)``; overall ``alpha_U = 1 - sum_c D_o(c) / sum_c D_e(c)``.

Input normalisation: units are clipped to the continuum, empty ones dropped, and overlapping
units of the same coder and category are merged into their union (the coefficient assumes a
coder's units of one category do not overlap).

Aggregation: all quantities are kept as additive sufficient statistics (:class:`UnitizingStats`),
so several articles are combined by summing. This treats a corpus as the concatenation of its
articles, with gaps never running across an article boundary; ``m L`` becomes
``sum_a m_a L_a`` and ``m (m - 1) L^2`` becomes ``(sum_a m_a (m_a - 1) L_a) * (sum_a L_a)``,
which is exactly the concatenation formula when every article has the same number of coders.
Articles with fewer than two coders contribute nothing.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, TypedDict

from factcheck.lazy import numpy as np

from .metric import Metric, defined, undefined

Hist = list[list[int]]  # [[length, count], ...] sorted by length (JSON-friendly)


class UnitizingCategoryStats(TypedDict):
    """Additive statistics of one category."""

    s_obs: int  # sum of delta2 over ordered coder pairs and their sections
    n_units: int
    f_sum: int  # sum over units of 2 l^3 - 3 l^2 + l
    ll1_sum: int  # sum over units of l (l - 1)
    unit_lengths: Hist
    gap_lengths: Hist
    blank_covered: Hist  # [[L_a, m_a]] of articles where this category occurs (see blank_gaps)


class UnitizingStats(TypedDict):
    """Additive statistics of one article or of a sum of articles."""

    length_sum: int  # sum_a L_a
    coder_length_sum: int  # sum_a m_a L_a
    pair_length_sum: int  # sum_a m_a (m_a - 1) L_a
    # Every coder of an article where category c never occurs has one gap of length L_a for c.
    # Rather than storing that per category, we store [[L_a, m_a]] once (blank_gaps) and, per
    # category, the same for the articles where it does occur (blank_covered); the gaps of c
    # are gap_lengths + blank_gaps - blank_covered.
    blank_gaps: Hist
    categories: dict[str, UnitizingCategoryStats]


class UnitizingResult(TypedDict):
    overall: Metric
    per_category: dict[str, Metric]


def _hist(counter: Mapping[int, int]) -> Hist:
    return [[int(k), int(v)] for k, v in sorted(counter.items()) if v]


def _merge_intervals(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of overlapping [b, e) intervals; touching intervals stay separate units."""
    out: list[tuple[int, int]] = []
    for b, e in sorted(intervals):
        if out and b < out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((b, e))
    return out


def _observed_pair(units_i: list[tuple[int, int]], units_j: list[tuple[int, int]]) -> int:
    """Contribution of the ordered coder pair (i, j): unit/unit overlaps once, and each unit of
    coder i lying inside a gap of coder j twice (see the comment below)."""
    total = 0
    k0 = 0
    n_j = len(units_j)
    for b, e in units_i:
        # units_j is sorted and non-overlapping: skip those ending at or before b.
        while k0 < n_j and units_j[k0][1] <= b:
            k0 += 1
        k = k0
        hit = False
        while k < n_j and units_j[k][0] < e:
            bj, ej = units_j[k]
            db, de = b - bj, e - ej
            total += db * db + de * de
            hit = True
            k += 1
        if not hit:
            # The unit lies entirely inside one of coder j's gaps. Krippendorff's double sum
            # over ordered coder pairs (i, j) visits all sections of both coders, so this
            # unit-in-gap pair is counted once as (unit_i, gap_j) in the pair (i, j) and once
            # as (gap_j, unit_i) in the pair (j, i): hence twice.
            total += 2 * (e - b) ** 2
    return total


def unitizing_stats(
    units: Iterable[tuple[int, int, Hashable, str]],
    continuum_start: int,
    continuum_end: int,
    coders: Iterable[Hashable] | None = None,
) -> UnitizingStats:
    """Sufficient statistics for alpha_U of one continuum.

    ``units`` are ``(begin, end, coder, category)`` with ``end`` exclusive. ``coders`` lists all
    coders (including any who marked nothing); default: the coders appearing in ``units``.
    """
    length = max(0, continuum_end - continuum_start)
    by_cat: dict[str, dict[Hashable, list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    coder_set: set[Hashable] = set(coders) if coders is not None else set()
    for b, e, coder, cat in units:
        if coders is None:
            coder_set.add(coder)
        b, e = max(b, continuum_start) - continuum_start, min(e, continuum_end) - continuum_start
        if e > b and coder in coder_set:
            by_cat[str(cat)][coder].append((b, e))
    m = len(coder_set)
    stats: UnitizingStats = {
        "length_sum": 0,
        "coder_length_sum": 0,
        "pair_length_sum": 0,
        "blank_gaps": [],
        "categories": {},
    }
    if m < 2 or length == 0:
        return stats
    stats.update(
        length_sum=length,
        coder_length_sum=m * length,
        pair_length_sum=m * (m - 1) * length,
        blank_gaps=[[length, m]],
    )
    coder_list = sorted(coder_set, key=str)
    for cat in sorted(by_cat):
        per_coder = {c: _merge_intervals(by_cat[cat].get(c, [])) for c in coder_list}
        unit_len: dict[int, int] = {}  # plain dicts: Counter's item access is slower
        gap_len: dict[int, int] = {}
        for c in coder_list:
            pos = 0
            for b, e in per_coder[c]:
                unit_len[e - b] = unit_len.get(e - b, 0) + 1
                if b > pos:
                    gap_len[b - pos] = gap_len.get(b - pos, 0) + 1
                pos = e
            if pos < length:
                gap_len[length - pos] = gap_len.get(length - pos, 0) + 1
        s_obs = sum(
            _observed_pair(per_coder[ci], per_coder[cj])
            for ci in coder_list
            for cj in coder_list
            if ci != cj
        )
        stats["categories"][cat] = {
            "s_obs": s_obs,
            "n_units": sum(unit_len.values()),
            "f_sum": sum(n * x * (2 * x * x - 3 * x + 1) for x, n in unit_len.items()),
            "ll1_sum": sum(n * x * (x - 1) for x, n in unit_len.items()),
            "unit_lengths": _hist(unit_len),
            "gap_lengths": _hist(gap_len),
            "blank_covered": [[length, m]],
        }
    return stats


class UnitizingAccumulator:
    """Mutable running sum of :class:`UnitizingStats`; ``add(stats, -1)`` removes an article.

    Lets a corpus figure be updated in O(size of one article) when an article changes.
    """

    _SCALARS = ("s_obs", "n_units", "f_sum", "ll1_sum")
    _HISTS = ("unit_lengths", "gap_lengths", "blank_covered")

    def __init__(self) -> None:
        self.totals: Counter[str] = Counter()
        self.blank: Counter[int] = Counter()
        self.cats: dict[str, dict[str, Any]] = {}

    def add(self, part: UnitizingStats, sign: int = 1) -> None:
        for key in ("length_sum", "coder_length_sum", "pair_length_sum"):
            self.totals[key] += sign * part[key]  # type: ignore[literal-required]
        for x, n in part["blank_gaps"]:
            self.blank[x] += sign * n
        for cat, cs in part["categories"].items():
            acc = self.cats.get(cat)
            if acc is None:
                acc = self.cats[cat] = {k: 0 for k in self._SCALARS}
                acc.update({k: Counter() for k in self._HISTS})
            for key in self._SCALARS:
                acc[key] += sign * cs[key]  # type: ignore[literal-required]
            for key in self._HISTS:
                hist = acc[key]
                for x, n in cs[key]:  # type: ignore[literal-required]
                    hist[x] += sign * n
            if acc["n_units"] == 0:  # category no longer occurs anywhere
                del self.cats[cat]

    def stats(self) -> UnitizingStats:
        return {
            "length_sum": self.totals["length_sum"],
            "coder_length_sum": self.totals["coder_length_sum"],
            "pair_length_sum": self.totals["pair_length_sum"],
            "blank_gaps": _hist(self.blank),
            "categories": {
                cat: {  # type: ignore[misc]
                    **{k: acc[k] for k in self._SCALARS},
                    **{k: _hist(acc[k]) for k in self._HISTS},
                }
                for cat, acc in sorted(self.cats.items())
            },
        }


def merge_unitizing_stats(parts: Iterable[UnitizingStats]) -> UnitizingStats:
    """Sum of statistics (exact; see the module docstring for what the sum means)."""
    acc = UnitizingAccumulator()
    for p in parts:
        acc.add(p)
    return acc.stats()


def _gap_term(unit_lengths: Hist, gaps: Mapping[int, int]) -> float:
    """``sum_units l^2 sum_{gaps h, l_h >= l} (l_h - l + 1)`` via sorted cumulative sums."""
    if not unit_lengths or not gaps:
        return 0.0
    if len(unit_lengths) * len(gaps) <= 4096:
        # Small (per-article) case: numpy's per-call overhead dominates. The same suffix sums
        # in Python integers: the total is an exact integer, so the float is the one the
        # direct double sum gives.
        total = 0
        glens = sorted(gaps)
        k = len(glens)
        count = length_sum = 0  # over the gaps of length >= the current unit length
        for lu, n_u in sorted(unit_lengths, reverse=True):
            while k and glens[k - 1] >= lu:
                k -= 1
                n_g = gaps[glens[k]]
                count += n_g
                length_sum += n_g * glens[k]
            total += n_u * lu * lu * (length_sum - (lu - 1) * count)
        return float(total)
    g = np.array(sorted((x, n) for x, n in gaps.items() if n > 0), dtype=float).reshape(-1, 2)
    u = np.array(unit_lengths, dtype=float).reshape(-1, 2)
    # Suffix sums over gap lengths: G0 = number of gaps >= l, G1 = their total length.
    g0 = np.append(np.cumsum(g[::-1, 1])[::-1], 0.0)
    g1 = np.append(np.cumsum((g[:, 0] * g[:, 1])[::-1])[::-1], 0.0)
    idx = np.searchsorted(g[:, 0], u[:, 0], side="left")
    per_len = g1[idx] - (u[:, 0] - 1) * g0[idx]
    return float((u[:, 1] * u[:, 0] ** 2 * per_len).sum())


def _category_do_de(stats: UnitizingStats, cs: UnitizingCategoryStats) -> tuple[float, float]:
    length = stats["length_sum"]
    ml = stats["coder_length_sum"]
    do = cs["s_obs"] / (stats["pair_length_sum"] * length)
    gaps: Counter[int] = Counter(dict(map(tuple, cs["gap_lengths"])))  # type: ignore[arg-type]
    gaps.update(dict(map(tuple, stats["blank_gaps"])))  # type: ignore[arg-type]
    gaps.subtract(dict(map(tuple, cs["blank_covered"])))  # type: ignore[arg-type]
    numer = (cs["n_units"] - 1) / 3.0 * cs["f_sum"] + _gap_term(cs["unit_lengths"], gaps)
    denom = float(ml) * (ml - 1) - cs["ll1_sum"]
    de = (2.0 / length) * numer / denom if denom > 0 else 0.0
    return do, de


def alpha_u_from_stats(stats: UnitizingStats) -> UnitizingResult:
    """alpha_U per category and overall from (possibly merged) :class:`UnitizingStats`."""
    cats = stats["categories"]
    if stats["pair_length_sum"] == 0:
        reason = "fewer than two reviewers (or an empty text)"
        return {"overall": undefined(reason), "per_category": {c: undefined(reason) for c in cats}}
    per: dict[str, Metric] = {}
    do_total = de_total = 0.0
    units_total = 0
    for cat, cs in cats.items():
        do, de = _category_do_de(stats, cs)
        counts = {"n_units": cs["n_units"]}
        comps = {"observed_disagreement": do, "expected_disagreement": de}
        units_total += cs["n_units"]
        if not (de > 0 and math.isfinite(de)):
            per[cat] = undefined("expected disagreement is 0 (units cover the text)", counts, comps)
            continue
        do_total += do
        de_total += de
        per[cat] = defined(1.0 - do / de, counts, comps)
    counts = {"n_units": units_total, "n_categories": len(cats)}
    comps = {"observed_disagreement": do_total, "expected_disagreement": de_total}
    if not cats:
        overall = undefined("no spans", counts)
    elif de_total <= 0:
        overall = undefined("expected disagreement is 0 for every category", counts, comps)
    else:
        overall = defined(1.0 - do_total / de_total, counts, comps)
    return {"overall": overall, "per_category": per}


def unitizing_alpha(
    units: Sequence[tuple[int, int, Hashable, str]],
    continuum_start: int,
    continuum_end: int,
    coders: Iterable[Hashable] | None = None,
) -> UnitizingResult:
    """alpha_U of ``(begin, end, coder, category)`` units (``end`` exclusive) on one continuum."""
    return alpha_u_from_stats(unitizing_stats(units, continuum_start, continuum_end, coders))
