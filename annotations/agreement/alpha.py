"""Krippendorff's alpha for coded data (nominal, ordinal, interval, ratio), with missing values.

Definitions (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):

* Reliability data: ``m`` coders x ``N`` units; a cell is a value or missing (``None``/NaN).
* A unit with ``m_u >= 2`` values is *pairable*; units with fewer values are ignored.
* Coincidence matrix: ``o[c, k] = sum_u (number of ordered pairs (i, j), i != j, of values of
  unit u with value_i = c and value_j = k) / (m_u - 1)``. ``n_c = sum_k o[c, k]`` and
  ``n = sum_c n_c`` (the number of pairable values).
* Observed disagreement ``D_o = (1/n) sum_{c,k} o[c, k] * delta2(c, k)``.
* Expected disagreement ``D_e = (1/(n (n-1))) sum_{c,k} n_c (n_k - [c == k]) * delta2(c, k)``.
* ``alpha = 1 - D_o / D_e``.

Distances ``delta2``: nominal ``[c != k]``; ordinal ``(sum_{g=c..k} n_g - (n_c + n_k)/2)^2``
(ranks over the ordered values that occur); interval ``(c - k)^2``; ratio
``((c - k)/(c + k))^2`` (0 when ``c + k = 0``).

Undefined (``value=None``): no pairable unit, or fewer than two distinct pairable values
(``D_e = 0``). This matches the ``krippendorff`` package, which raises or returns NaN there.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, Literal

from factcheck.lazy import numpy as np

from .metric import Metric, defined, undefined

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")

NO_PAIRABLE = "no unit has values from two or more coders"
ONE_VALUE = "only one value used: expected disagreement is 0"


def _is_missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def coincidences_from_units(units: Iterable[Sequence[Hashable]]) -> dict[tuple[Any, Any], float]:
    """Sparse coincidence matrix ``{(c, k): o_ck}`` from per-unit lists of (non-missing) values.

    Pure Python, meant for the small per-article item sets; coincidences are additive over
    units, so corpus figures are obtained by summing these dicts.
    """
    out: dict[tuple[Any, Any], float] = defaultdict(float)
    for values in units:
        m_u = len(values)
        if m_u < 2:
            continue
        w = 1.0 / (m_u - 1)
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    out[(c, k)] += w
    return dict(out)


def distance_matrix(domain: Sequence[Any], n_v: np.ndarray, level: Level) -> np.ndarray:
    """Squared distances ``delta2`` between the ordered ``domain`` values (see module doc)."""
    v = len(domain)
    if level == "nominal":
        return 1.0 - np.eye(v)
    if level == "ordinal":
        # Rank-based metric: only the marginals n_v matter, so values that never occur in a
        # pairable unit (n_v = 0) do not change any distance - same as the krippendorff package.
        cum = np.cumsum(n_v)
        lo = np.minimum.outer(np.arange(v), np.arange(v))
        hi = np.maximum.outer(np.arange(v), np.arange(v))
        between = cum[hi] - cum[lo] + n_v[lo]
        return (between - (n_v[:, None] + n_v[None, :]) / 2.0) ** 2
    vals = np.asarray(domain, dtype=float)
    diff = vals[:, None] - vals[None, :]
    if level == "interval":
        return diff**2
    if level == "ratio":
        total = vals[:, None] + vals[None, :]
        out = np.zeros_like(diff)
        np.divide(diff, total, out=out, where=total != 0)
        return out**2
    raise ValueError(f"unknown level of measurement: {level!r}")


def alpha_from_coincidences(o: np.ndarray, domain: Sequence[Any], level: Level) -> Metric:
    """Krippendorff's alpha from a dense coincidence matrix over the ordered ``domain``.

    ``components`` holds ``observed_disagreement`` and ``expected_disagreement``;
    ``counts`` holds ``n_pairable`` (n, rounded) and ``n_values`` (distinct pairable values).
    """
    o = np.asarray(o, dtype=float)
    n_v = o.sum(axis=0)
    n = float(n_v.sum())
    n_values = int((n_v > 1e-12).sum())
    counts = {"n_pairable": round(n), "n_values": n_values}
    if n < 2 - 1e-9:
        return undefined(NO_PAIRABLE, counts)
    if n_values < 2:
        return undefined(ONE_VALUE, counts, {"observed_disagreement": 0.0})
    d = distance_matrix(domain, n_v, level)
    e = (np.outer(n_v, n_v) - np.diag(n_v)) / (n - 1)
    do_sum = float((o * d).sum())
    de_sum = float((e * d).sum())
    comps = {"observed_disagreement": do_sum / n, "expected_disagreement": de_sum / n}
    if de_sum <= 0:
        return undefined(ONE_VALUE, counts, comps)
    return defined(1.0 - do_sum / de_sum, counts, comps)


def alpha_from_coincidence_dict(
    coincidences: dict[tuple[Any, Any], float],
    level: Level,
    *,
    value_order: Sequence[Any] | None = None,
) -> Metric:
    """Alpha from a sparse ``{(c, k): o_ck}`` dict (see :func:`coincidences_from_units`)."""
    values = {c for c, _ in coincidences} | {k for _, k in coincidences}
    domain = _ordered_domain(values, level, value_order)
    if len(domain) <= SMALL_DOMAIN:
        return _alpha_small(coincidences, domain, level)
    index = {v: i for i, v in enumerate(domain)}
    o = np.zeros((len(domain), len(domain)))
    for (c, k), w in coincidences.items():
        o[index[c], index[k]] += w
    return alpha_from_coincidences(o, domain, level)


# Below this many distinct values the pure-Python path is faster than numpy's per-call overhead
# (article reports compute alpha on a handful of verdicts thousands of times).
SMALL_DOMAIN = 12


def _delta2(c: Any, k: Any, level: Level, rank_sum: float) -> float:
    if level == "nominal":
        return 0.0 if c == k else 1.0
    if level == "ordinal":
        return rank_sum * rank_sum
    if level == "interval":
        return float(c - k) ** 2
    total = c + k
    return 0.0 if total == 0 else ((c - k) / total) ** 2


def _alpha_small(
    coincidences: Mapping[tuple[Any, Any], float], domain: list[Any], level: Level
) -> Metric:
    """Pure-Python twin of :func:`alpha_from_coincidences` for small domains (same formulas)."""
    n_v = {v: 0.0 for v in domain}
    for (_, k), w in coincidences.items():
        n_v[k] += w
    n = sum(n_v.values())
    n_values = sum(1 for x in n_v.values() if x > 1e-12)
    counts = {"n_pairable": round(n), "n_values": n_values}
    if n < 2 - 1e-9:
        return undefined(NO_PAIRABLE, counts)
    if n_values < 2:
        return undefined(ONE_VALUE, counts, {"observed_disagreement": 0.0})
    nv = [n_v[v] for v in domain]
    cum = [0.0]
    for x in nv:
        cum.append(cum[-1] + x)
    d: dict[tuple[Any, Any], float] = {}
    for i, c in enumerate(domain):
        for j, k in enumerate(domain):
            lo, hi = (i, j) if i <= j else (j, i)
            rank_sum = cum[hi + 1] - cum[lo] - (nv[i] + nv[j]) / 2.0
            d[(c, k)] = _delta2(c, k, level, rank_sum)
    do_sum = sum(w * d[ck] for ck, w in coincidences.items())
    de_sum = 0.0
    for i, c in enumerate(domain):
        for j, k in enumerate(domain):
            e = (nv[i] * nv[j] - (nv[i] if i == j else 0.0)) / (n - 1)
            de_sum += e * d[(c, k)]
    comps = {"observed_disagreement": do_sum / n, "expected_disagreement": de_sum / n}
    if de_sum <= 0:
        return undefined(ONE_VALUE, counts, comps)
    return defined(1.0 - do_sum / de_sum, counts, comps)


def _ordered_domain(
    values: Iterable[Any], level: Level, value_order: Sequence[Any] | None
) -> list[Any]:
    values = set(values)
    if value_order is not None:
        unknown = values - set(value_order)
        if unknown:
            raise ValueError(f"values not in value_order: {sorted(map(str, unknown))}")
        return [v for v in value_order if v in values]
    if level == "nominal":
        return sorted(values, key=lambda v: (type(v).__name__, v))
    if any(not isinstance(v, (int, float, np.number)) or isinstance(v, bool) for v in values):
        raise ValueError(f"{level} alpha needs numeric values or an explicit value_order")
    return sorted(values)


def _coincidences_dense(codes: np.ndarray, n_values: int) -> np.ndarray:
    """Dense coincidence matrix from an (m coders x N units) array of value codes (-1: missing).

    Loops over the m(m-1) ordered coder pairs (m is small) and vectorises over units, so the
    cost is O(m^2 N) time and O(V^2 + N) memory, independent of how many values there are.
    """
    m, _ = codes.shape
    present = codes >= 0
    m_u = present.sum(axis=0)
    w = np.zeros(m_u.shape, dtype=float)
    np.divide(1.0, m_u - 1, out=w, where=m_u >= 2)
    flat = np.zeros(n_values * n_values, dtype=float)
    for i in range(m):
        for j in range(m):
            if i == j:
                continue
            both = present[i] & present[j] & (m_u >= 2)
            if both.any():
                idx = codes[i, both] * n_values + codes[j, both]
                flat += np.bincount(idx, weights=w[both], minlength=n_values * n_values)
    return flat.reshape(n_values, n_values)


def krippendorff_alpha(
    reliability_data: Any,
    level: Level = "nominal",
    *,
    value_order: Sequence[Any] | None = None,
) -> Metric:
    """Krippendorff's alpha of ``reliability_data`` (rows = coders, columns = units).

    Missing values are ``None`` or NaN. Values may be numbers or (for nominal, or ordinal with
    ``value_order``) any hashable labels. Returns a :class:`~.metric.Metric` whose
    ``counts`` also include ``n_units`` and ``n_coders``.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement: {level!r}")
    arr = reliability_data if isinstance(reliability_data, np.ndarray) else None
    if arr is not None and arr.dtype.kind in "iufb":
        # Fast path for numeric arrays (NaN = missing).
        arr = np.atleast_2d(arr.astype(float))
        mask = ~np.isnan(arr)
        domain_arr, inverse = np.unique(arr[mask], return_inverse=True)
        codes = np.full(arr.shape, -1, dtype=np.int64)
        codes[mask] = inverse.ravel()
        domain: list[Any] = domain_arr.tolist()
        if value_order is not None:
            domain = _ordered_domain(domain, level, value_order)
            remap = np.array([domain.index(v) for v in domain_arr.tolist()], dtype=np.int64)
            codes[mask] = remap[codes[mask]]
    else:
        rows = [list(r) for r in reliability_data]
        width = max((len(r) for r in rows), default=0)
        seen = {x for r in rows for x in r if not _is_missing(x)}
        domain = _ordered_domain(seen, level, value_order)
        index = {v: i for i, v in enumerate(domain)}
        codes = np.full((len(rows), width), -1, dtype=np.int64)
        for i, r in enumerate(rows):
            for j, x in enumerate(r):
                if not _is_missing(x):
                    codes[i, j] = index[x]
    n_coders, n_units = codes.shape if codes.ndim == 2 else (0, 0)
    o = _coincidences_dense(codes, len(domain)) if domain else np.zeros((0, 0))
    result = alpha_from_coincidences(o, domain, level)
    result["counts"].update({"n_units": int(n_units), "n_coders": int(n_coders)})
    return result
