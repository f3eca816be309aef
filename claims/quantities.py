"""Quantities in news text: value or range, hedge, unit and counted noun (temporary stand-in).

The coordinator's module replaces this file at merge; the interface stays exactly this.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    low: float
    high: float
    hedge: str
    unit: str
    noun: str


_HEDGES = (
    "more than",
    "at least",
    "fewer than",
    "less than",
    "up to",
    "about",
    "around",
    "roughly",
    "approximately",
    "nearly",
    "some",
    "over",
)
_QUANTITY = re.compile(
    r"(?:(?P<hedge>" + "|".join(h.replace(" ", r"\s+") for h in _HEDGES) + r")\s+)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?P<mult>\s*(?:m|bn|million|billion|thousand)\b)?"
    r"(?:\s+(?:(?!that\b|when\b|of\b|the\b)[a-z-]+\s+){0,2}?(?P<noun>troops?|soldiers?|personnel|dead|deaths?|people|"
    r"civilians?|nationals?|citizens?|members?|forces))",
    re.I,
)
_MULT = {"m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9, "thousand": 1e3}
_FAMILY = {
    "troop": "troop",
    "soldier": "troop",
    "personnel": "troop",
    "force": "troop",
    "dead": "dead",
    "death": "dead",
}
_APPROX = 0.05  # "about 11,000" spans ±5 %


def _lemma(noun: str) -> str:
    noun = noun.lower()
    if noun.endswith("s") and noun not in ("personnel",):
        noun = noun[:-1]
    return noun


def extract_quantities(text: str) -> list[Quantity]:
    found = []
    for m in _QUANTITY.finditer(text):
        if not m.group("noun"):
            continue
        value = float(m.group("num").replace(",", ""))
        mult = (m.group("mult") or "").strip().lower()
        value *= _MULT.get(mult, 1.0)
        hedge = re.sub(r"\s+", " ", (m.group("hedge") or "").lower())
        low = high = value
        if hedge in ("about", "around", "roughly", "approximately", "some", "nearly"):
            low, high = value * (1 - _APPROX), value * (1 + _APPROX) if hedge != "nearly" else value
            hedge = "about" if hedge != "nearly" else hedge
        elif hedge == "up to":
            low = 0.0
        elif hedge in ("more than", "over", "at least"):
            high = math.inf
        elif hedge in ("fewer than", "less than"):
            low = 0.0
        found.append(
            Quantity(m.start(), m.end(), m.group(0), low, high, hedge, "", _lemma(m.group("noun")))
        )
    return found


def conflicting(a: Quantity, b: Quantity, *, tolerance: float = 0.0) -> bool:
    if _FAMILY.get(a.noun, a.noun) != _FAMILY.get(b.noun, b.noun):
        return False
    slack = tolerance * max(abs(a.high if math.isfinite(a.high) else a.low), 1.0)
    return a.high + slack < b.low or b.high + slack < a.low
