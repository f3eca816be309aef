"""The common result shape of every agreement figure.

Every coefficient in this package is returned as a :class:`Metric`: a plain, JSON-serialisable
dict holding the value (a Python ``float`` or ``None``), the reason when it is undefined, the
counts it was computed from, and the intermediate quantities (observed/expected disagreement,
``p_o``/``p_e``...). A value is never NaN or infinite: any quantity that would be is reported
as ``None`` with a human-readable ``undefined_reason``.
"""

from __future__ import annotations

import math
from math import isfinite
from typing import TypedDict


class Metric(TypedDict):
    """One agreement figure.

    ``value`` is ``None`` exactly when ``undefined_reason`` is a string. ``counts`` holds the
    integer counts behind the figure (e.g. ``n_units``, ``n_pairable``, ``matched``) and
    ``components`` the intermediate floats (e.g. ``observed_disagreement``); either may be empty.
    """

    value: float | None
    undefined_reason: str | None
    counts: dict[str, int]
    components: dict[str, float | None]


def clean_float(x: float | None) -> float | None:
    """Return ``x`` as a plain Python float, or ``None`` if it is missing, NaN or infinite."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def defined(
    value: float,
    counts: dict[str, int] | None = None,
    components: dict[str, float | None] | None = None,
) -> Metric:
    """Build a defined metric (falls back to undefined if ``value`` is not finite)."""
    v = None if value is None else float(value)
    # Built tens of times per article: plain loops instead of a clean_float call per item.
    comps: dict[str, float | None] = {}
    if components:
        for k, c in components.items():
            if c is not None:
                c = float(c)
                if not isfinite(c):
                    c = None
            comps[k] = c
    cnts = dict(zip(counts, map(int, counts.values()), strict=True)) if counts else {}
    if v is None or not isfinite(v):
        return {
            "value": None,
            "undefined_reason": "not a finite number",
            "counts": cnts,
            "components": comps,
        }
    return {"value": v, "undefined_reason": None, "counts": cnts, "components": comps}


def undefined(
    reason: str,
    counts: dict[str, int] | None = None,
    components: dict[str, float | None] | None = None,
) -> Metric:
    """Build an undefined metric carrying ``reason``."""
    return {
        "value": None,
        "undefined_reason": reason,
        "counts": {k: int(c) for k, c in (counts or {}).items()},
        "components": {k: clean_float(c) for k, c in (components or {}).items()},
    }


def mean_of(metrics: list[Metric], *, what: str = "pairs") -> Metric:
    """Unweighted mean of the defined values; undefined if none is defined."""
    values = [m["value"] for m in metrics if m["value"] is not None]
    counts = {f"n_{what}": len(metrics), f"n_{what}_defined": len(values)}
    if not values:
        reason = f"no {what}" if not metrics else f"undefined for every one of the {what}"
        return undefined(reason, counts)
    return defined(math.fsum(values) / len(values), counts)
