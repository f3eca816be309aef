"""Figures in news text: value or range, hedge, unit and the counted noun.

``extract_quantities("roughly 11,000 troops")`` → one :class:`Quantity` (10,450–11,550 once the
hedge is applied by :func:`interval`, hedge "about", noun "troop").

Why mostly by hand: quantulum3 0.10 was tried first and gives neither hedges nor counted nouns,
takes ~7 s on its first call, and crashes on "$3.2bn" with the pinned scikit-learn (its unit
classifier is a pickle from an older release). Spelled-out numbers ("two soldiers", "twelve
thousand troops") go through ``number-parser``; digits, news multipliers ("12m", "$3.2bn"),
ranges and hedges are the regular expressions below, each covered by tests.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache

__all__ = ["Quantity", "conflicting", "extract_quantities", "interval", "noun_family"]


@dataclass(frozen=True)
class Quantity:
    start: int  # code points in the text given to extract_quantities
    end: int
    text: str
    low: float  # a point value has low == high; "up to N" is (0, N); "more than N" is (N, inf)
    high: float
    hedge: str  # "", "about", "up to", "more than", "at least", "fewer than", "at most"
    unit: str  # "", "USD", "EUR", "GBP", "%", "km", ...
    noun: str  # counted noun, singular lower case: "troop", "soldier", "dead", ... ("" if none)


_MULTIPLIERS = {
    "thousand": 1e3, "k": 1e3,
    "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9,
    "trillion": 1e12, "tn": 1e12, "trn": 1e12,
}  # fmt: skip
_CURRENCY = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW", "₴": "UAH"}
_UNITS_AFTER = {
    "%": "%", "percent": "%", "per cent": "%",
    "km": "km", "kilometres": "km", "kilometers": "km", "miles": "mi", "mile": "mi",
    "dollars": "USD", "euros": "EUR", "pounds": "GBP", "rubles": "RUB", "roubles": "RUB",
    "hryvnias": "UAH", "won": "KRW",
}  # fmt: skip

# Hedges, longest first; each maps to the canonical hedge.
_HEDGES = [
    ("as many as", "up to"), ("up to", "up to"), ("no more than", "at most"),
    ("at most", "at most"), ("more than", "more than"), ("over", "more than"),
    ("in excess of", "more than"), ("upwards of", "more than"), ("at least", "at least"),
    ("no fewer than", "at least"), ("no less than", "at least"), ("fewer than", "fewer than"),
    ("less than", "fewer than"), ("under", "fewer than"), ("nearly", "about"),
    ("almost", "about"), ("about", "about"), ("around", "about"), ("roughly", "about"),
    ("approximately", "about"), ("approx.", "about"), ("some", "about"), ("an estimated", "about"),
    ("estimated", "about"), ("close to", "about"), ("an approximate", "about"),
]  # fmt: skip
_HEDGE_RE = re.compile(
    r"(?:^|(?<=[\s(\"“—–-]))(" + "|".join(re.escape(h) for h, _ in _HEDGES) + r")\s+$",
    re.IGNORECASE,
)
_HEDGE_CANON = {h.lower(): c for h, c in _HEDGES}

_NUM = r"\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MULT = r"(?:thousand|million|billion|trillion|mln|mn|bn|tn|trn|k|m|b)\b"
_CUR = r"(?:US\$|\$|€|£|¥|₩|₴)"
_NUMBER_RE = re.compile(
    rf"(?:(?P<cur>{_CUR})\s?)?(?P<a>{_NUM})(?:\s?(?P<amult>{_MULT}))?"
    rf"(?:\s?(?P<sep>-|–|—|to|and)\s?(?P<cur2>{_CUR})?(?P<b>{_NUM})(?:\s?(?P<bmult>{_MULT}))?)?"
    r"(?P<pct>\s?(?:%|percent\b|per cent\b))?",
    re.IGNORECASE,
)
_BETWEEN_RE = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred dozen dozens hundreds thousands"
).split()
_SPELLED_RE = re.compile(
    r"\b(?:(?:"
    + "|".join(_NUMBER_WORDS)
    + r"|thousand|million|billion|and|a)[\s-]+)*(?:"
    + "|".join(_NUMBER_WORDS)
    + r"|thousand|million|billion)\b",
    re.IGNORECASE,
)
_VAGUE = {"dozens": (24, 99), "hundreds": (200, 999), "thousands": (2000, 9999)}

# Nouns that count people in conflict reporting fall into families, so "troops" and "soldiers"
# compare, while "troops" and "dead" do not. "forces" is left out on purpose: "1,500 special
# forces" is a unit, not the size of the deployment, and must not conflict with troop totals.
_FAMILIES = {
    "troop": "personnel", "soldier": "personnel", "personnel": "personnel", "fighter": "personnel",
    "servicemen": "personnel", "serviceman": "personnel", "man": "personnel",
    "men": "personnel", "mercenary": "personnel", "recruit": "personnel", "conscript": "personnel",
    "dead": "casualty", "death": "casualty", "killed": "casualty", "casualty": "casualty",
    "fatality": "casualty", "wounded": "casualty", "injured": "casualty", "loss": "casualty",
    "prisoner": "prisoner", "detainee": "prisoner", "pow": "prisoner", "captive": "prisoner",
    "people": "people", "person": "people", "civilian": "people", "resident": "people",
}  # fmt: skip
_SKIP_BEFORE_NOUN = {
    "north", "south", "korean", "koreans", "russian", "ukrainian", "chinese", "american", "special",
    "more", "additional", "elite", "new", "of", "the", "its", "their", "his", "her", "our",
    "military", "army", "foreign", "other", "combat", "regular", "active", "extra", "such",
}  # fmt: skip
_IRREGULAR = {"men": "man", "people": "people", "personnel": "personnel", "casualties": "casualty",
              "fatalities": "fatality", "servicemen": "servicemen", "forces": "force",
              "deaths": "death", "losses": "loss", "pows": "pow"}  # fmt: skip


def _singular(word: str) -> str:
    word = word.lower().strip("'’")
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ses") or word.endswith("xes"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def noun_family(noun: str) -> str:
    """The family a counted noun belongs to ("troop" and "soldier" → "personnel")."""
    return _FAMILIES.get(noun, noun)


def _counted_noun(text: str, end: int) -> str:
    """The noun a number counts: the first family noun within a few words after it."""
    words = list(_WORD_RE.finditer(text, end, min(len(text), end + 60)))[:4]
    for i, match in enumerate(words):
        # A sentence or clause break ends the noun phrase.
        if re.search(r"[.;:!?]", text[end if i == 0 else words[i - 1].end() : match.start()]):
            break
        word = _singular(match.group())
        if word in _FAMILIES:
            return word
        if word not in _SKIP_BEFORE_NOUN:
            return word if i == 0 else ""
    return ""


def _to_float(number: str) -> float:
    return float(re.sub(r"[,\u202f\u00a0 ]", "", number))


def _multiplier(mult: str | None, text: str, pos: int) -> float:
    if not mult:
        return 1.0
    key = mult.lower()
    # "12m" is a million, but "5 m" before "tall"/"long" is metres: keep m/b/k only when glued.
    if key in ("m", "b", "k") and text[pos - 1 : pos].isspace():
        return 1.0
    return _MULTIPLIERS.get(key, 1.0)


def _hedge_before(text: str, start: int) -> str:
    match = _HEDGE_RE.search(text, max(0, start - 25), start)
    return _HEDGE_CANON[match.group(1).lower()] if match else ""


def _bounds(low: float, high: float, hedge: str) -> tuple[float, float]:
    if hedge in ("up to", "at most"):
        return 0.0, high
    if hedge == "fewer than":
        return 0.0, high
    if hedge in ("more than", "at least"):
        return low, math.inf
    return low, high


def extract_quantities(text: str) -> list[Quantity]:
    """Every figure in ``text`` with its hedge, unit and counted noun (offsets in code points)."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    rescan: list[int] = []
    matches = list(_NUMBER_RE.finditer(text))
    while matches or rescan:
        if rescan:
            again = _NUMBER_RE.match(text, rescan.pop())
            if again is None:
                continue
            match = again
        else:
            match = matches.pop(0)
        start, end = match.span()
        if (match.group("sep") or "").lower() == "and" and not _BETWEEN_RE.search(
            text, max(0, start - 9), start
        ):
            # "$3.2bn and 12m" are two figures, not a range: the first alone here, and the
            # second is found again by the loop below.
            rescan.append(match.start("b") - (len(match.group("cur2") or "")))
            end = match.end("amult") if match.group("amult") else match.end("a")
            match = _NUMBER_RE.match(text[:end], start)  # type: ignore[assignment]
            if match is None:
                continue
        # Years, dates and times are not counts: "2024", "4/28/25", "10:30".
        a = match.group("a")
        if re.fullmatch(r"(1[89]|20)\d\d", a) and not match.group("cur") and not match.group("b"):
            continue
        if (end < len(text) and text[end] in "/:") or (start > 0 and text[start - 1] in "/:"):
            continue
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "."):
            continue  # part of a word or a version/decimal such as "810th" or "v1.2"
        if re.match(r"(st|nd|rd|th)\b", text[end : end + 2]):
            continue
        low = _to_float(a) * _multiplier(
            match.group("amult"), text, match.start("amult") if match.group("amult") else end
        )
        high = low
        if match.group("b"):
            bmult = match.group("bmult")
            high = _to_float(match.group("b")) * _multiplier(
                bmult, text, match.start("bmult") if bmult else end
            )
            # "10-12,000": the first figure borrows the second one's scale.
            if low < high / 100 and not match.group("amult"):
                scale = 10 ** (len(str(int(high))) - len(str(int(low))))
                low = low * scale if low * scale <= high else low
            if high < low:
                low, high = high, low
        unit = ""
        if match.group("cur") or match.group("cur2"):
            unit = _CURRENCY.get((match.group("cur") or match.group("cur2")).strip(), "")
        elif match.group("pct"):
            unit = "%"
        else:
            after = re.match(r"\s?([A-Za-z%]+(?: cent)?)", text[end : end + 12])
            if after and after.group(1).lower() in _UNITS_AFTER:
                unit = _UNITS_AFTER[after.group(1).lower()]
        hedge = "" if match.group("b") else _hedge_before(text, start)
        if match.group("b") and _BETWEEN_RE.search(text, max(0, start - 9), start):
            start = _BETWEEN_RE.search(text, max(0, start - 9), start).start()
        lo, hi = _bounds(low, high, hedge)
        found.append(
            Quantity(start, end, text[start:end].strip(), lo, hi, hedge, unit,
                     "" if unit else _counted_noun(text, end))
        )  # fmt: skip
        taken.append((start, end))
    for match in _SPELLED_RE.finditer(text):
        start, end = match.span()
        if any(s < end and start < e for s, e in taken):
            continue
        value = _spelled_value(match.group())
        if value is None:
            continue
        hedge = _hedge_before(text, start)
        low, high = value
        lo, hi = _bounds(low, high, hedge)
        noun = _counted_noun(text, end)
        if not noun:
            continue  # "one of the" and friends: a spelled number that counts nothing
        found.append(Quantity(start, end, match.group(), lo, hi, hedge, "", noun))
    found.sort(key=lambda q: q.start)
    return found


@cache
def _number_parser() -> object | None:
    try:
        from number_parser import parse_number
    except ImportError:  # pragma: no cover - pinned dependency
        return None
    return parse_number


def _spelled_value(words: str) -> tuple[float, float] | None:
    return _spelled_key_value(words.lower().strip())


@lru_cache(maxsize=4096)
def _spelled_key_value(key: str) -> tuple[float, float] | None:
    """The value of spelled-out number words ("eleven thousand"), cached: number_parser takes
    about a millisecond a call, and news repeats the same few phrases."""
    if key in _VAGUE:
        return _VAGUE[key]
    if key in ("a", "and", "one"):
        return None  # "one" is far more often a pronoun than a count in news
    parse_number = _number_parser()
    value = parse_number(key) if parse_number else None  # type: ignore[operator]
    if value is None:
        return None
    return float(value), float(value)


# Relative half-width given to hedged figures: "about 11,000" means 10,450–11,550.
HEDGE_SPREAD = {"about": 0.05}


def interval(q: Quantity) -> tuple[float, float]:
    """The range a figure allows, widening "about" figures by HEDGE_SPREAD."""
    spread = HEDGE_SPREAD.get(q.hedge, 0.0)
    return q.low * (1 - spread), q.high * (1 + spread)


def conflicting(a: Quantity, b: Quantity, *, tolerance: float = 0.0) -> bool:
    """True when ``a`` and ``b`` count the same kind of thing and cannot both be true.

    Figures conflict when their intervals (hedges applied) do not overlap even after each is
    widened by ``tolerance`` (relative, e.g. 0.05 = 5 %). Different units or noun families
    never conflict: they are not the same fact.
    """
    if a.unit != b.unit:
        return False
    if not a.noun or not b.noun or noun_family(a.noun) != noun_family(b.noun):
        return False
    a_low, a_high = interval(a)
    b_low, b_high = interval(b)
    a_low, a_high = a_low * (1 - tolerance), a_high * (1 + tolerance)
    b_low, b_high = b_low * (1 - tolerance), b_high * (1 + tolerance)
    return a_high < b_low or b_high < a_low
