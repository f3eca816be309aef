"""Cohen's kappa (two raters) and Fleiss' kappa (fixed number of raters per item).

Cohen (1960): for an agreement table ``t`` over the same categories on both axes with
``N = sum t``, ``p_o = trace(t)/N``, ``p_e = sum_c (row_c/N)(col_c/N)`` and
``kappa = (p_o - p_e)/(1 - p_e)``. Undefined if ``N = 0`` or ``p_e = 1`` (both raters used one
and the same single category).

Fleiss (1971): ``N`` items, each rated by the same ``n >= 2`` raters; ``n_ij`` raters put item
``i`` in category ``j``. ``P_i = (sum_j n_ij^2 - n)/(n(n-1))``, ``P_bar = mean_i P_i``,
``p_j = sum_i n_ij/(N n)``, ``Pe_bar = sum_j p_j^2``, ``kappa = (P_bar - Pe_bar)/(1 - Pe_bar)``.
Undefined if there is no item, items have different numbers of ratings, fewer than 2 ratings
per item, or ``Pe_bar = 1``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, TypedDict

from .metric import Metric, defined, undefined


def cohen_kappa_from_table(table: Sequence[Sequence[float]]) -> Metric:
    """Cohen's kappa from a square agreement table (rows: rater A, columns: rater B)."""
    k = len(table)
    n = float(sum(sum(row) for row in table))
    counts = {"n_items": round(n)}
    if n <= 0:
        return undefined("no item rated by both raters", counts)
    p_o = sum(table[i][i] for i in range(k)) / n
    rows = [sum(table[i]) / n for i in range(k)]
    cols = [sum(table[i][j] for i in range(k)) / n for j in range(k)]
    p_e = sum(r * c for r, c in zip(rows, cols, strict=True))
    comps = {"p_o": p_o, "p_e": p_e}
    if p_e >= 1 - 1e-12:
        return undefined("only one category used: expected agreement is 1", counts, comps)
    return defined((p_o - p_e) / (1 - p_e), counts, comps)


def cohen_kappa_from_confusion(confusion: Mapping[Any, Mapping[Any, float]]) -> Metric:
    """Cohen's kappa from a sparse ``{label_a: {label_b: count}}`` confusion dict."""
    n = 0.0
    diag = 0.0
    rows: dict[Any, float] = {}  # plain dicts: Counter's item access is slower
    cols: dict[Any, float] = {}
    for a, row in confusion.items():
        for b, v in row.items():
            n += v
            rows[a] = rows.get(a, 0) + v
            cols[b] = cols.get(b, 0) + v
            if a == b:
                diag += v
    counts = {"n_items": round(n)}
    if n <= 0:
        return undefined("no item rated by both raters", counts)
    p_o = diag / n
    p_e = sum(r * cols.get(c, 0) for c, r in rows.items()) / (n * n)
    comps = {"p_o": p_o, "p_e": p_e}
    if p_e >= 1 - 1e-12:
        return undefined("only one category used: expected agreement is 1", counts, comps)
    return defined((p_o - p_e) / (1 - p_e), counts, comps)


def cohen_kappa(a: Sequence[Hashable | None], b: Sequence[Hashable | None]) -> Metric:
    """Cohen's kappa on two parallel label sequences; positions where either is None are skipped."""
    confusion: dict[Any, Counter[Any]] = {}
    for x, y in zip(a, b, strict=True):
        if x is None or y is None:
            continue
        confusion.setdefault(x, Counter())[y] += 1
    return cohen_kappa_from_confusion(confusion)


class FleissStats(TypedDict):
    """Additive sufficient statistics for Fleiss' kappa (sum them over disjoint item sets)."""

    n_items: int
    ratings_per_item: dict[str, int]  # number of ratings -> number of items with that many
    sum_p_i: float  # sum over items of P_i
    category_totals: dict[str, int]  # sum over items of n_ij, per category


def fleiss_stats(items: Iterable[Sequence[Hashable]]) -> FleissStats:
    """Sufficient statistics of the items' rating lists (each list = all ratings of one item)."""
    n_items = 0
    sizes: Counter[str] = Counter()
    sum_p = 0.0
    totals: Counter[str] = Counter()
    for ratings in items:
        n = len(ratings)
        n_items += 1
        sizes[str(n)] += 1
        c: dict[str, int] = {}  # plain dict: Counter() is slow to build per item
        for r in ratings:
            key = str(r)
            c[key] = c.get(key, 0) + 1
            totals[key] += 1
        if n >= 2:
            sum_p += (sum(v * v for v in c.values()) - n) / (n * (n - 1))
    return {
        "n_items": n_items,
        "ratings_per_item": dict(sizes),
        "sum_p_i": sum_p,
        "category_totals": dict(totals),
    }


def merge_fleiss_stats(
    stats: Iterable[FleissStats], signs: Iterable[int] | None = None
) -> FleissStats:
    """Sum of several :class:`FleissStats` (exact: all parts are additive).

    ``signs`` (+1/-1 per part) allows subtracting a part that was previously added.
    """
    n_items = 0
    sum_p = 0.0
    sizes: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    parts = list(stats)
    sign_list = list(signs) if signs is not None else [1] * len(parts)
    for s, sign in zip(parts, sign_list, strict=True):
        n_items += sign * s["n_items"]
        sum_p += sign * s["sum_p_i"]
        for k, v in s["ratings_per_item"].items():
            sizes[k] += sign * v
        for k, v in s["category_totals"].items():
            totals[k] += sign * v
    return {
        "n_items": n_items,
        "ratings_per_item": {k: v for k, v in sizes.items() if v},
        "sum_p_i": sum_p,
        "category_totals": {k: v for k, v in totals.items() if v},
    }


def fleiss_kappa_from_stats(stats: FleissStats) -> Metric:
    """Fleiss' kappa from :class:`FleissStats` (see the module docstring for undefined cases)."""
    n_items = stats["n_items"]
    counts = {"n_items": n_items}
    if n_items == 0:
        return undefined("no item rated by two or more reviewers", counts)
    present = sorted(int(k) for k, v in stats["ratings_per_item"].items() if v)
    if len(present) != 1:
        sizes = ", ".join(map(str, present))
        return undefined(f"items have different numbers of ratings ({sizes})", counts)
    n = present[0]
    counts["ratings_per_item"] = n
    if n < 2:
        return undefined("fewer than two ratings per item", counts)
    p_bar = stats["sum_p_i"] / n_items
    pe_bar = sum((t / (n_items * n)) ** 2 for t in stats["category_totals"].values())
    comps = {"p_bar": p_bar, "pe_bar": pe_bar}
    if pe_bar >= 1 - 1e-12:
        return undefined("only one category used: expected agreement is 1", counts, comps)
    return defined((p_bar - pe_bar) / (1 - pe_bar), counts, comps)


def fleiss_kappa(items: Iterable[Sequence[Hashable]]) -> Metric:
    """Fleiss' kappa from per-item rating lists, e.g. ``[("a", "a", "b"), ("b", "b", "b")]``."""
    return fleiss_kappa_from_stats(fleiss_stats(items))
