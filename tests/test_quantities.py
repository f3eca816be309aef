"""Figures in news text (claims.quantities): values, ranges, hedges, units, counted nouns."""

from __future__ import annotations

import math

import pytest

from claims.quantities import conflicting, extract_quantities


def one(text: str):
    found = extract_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "low", "high", "hedge", "unit", "noun"),
    [
        ("sent roughly 11,000 troops to Russia", 11000, 11000, "about", "", "troop"),
        ("plans to send up to 12,000 troops—a claim", 0, 12000, "up to", "", "troop"),
        ("recruited 12,000 soldiers from North Korea", 12000, 12000, "", "", "soldier"),
        ("approximately 1,500 special forces personnel", 1500, 1500, "about", "", ""),
        ("more than 10,000 North Korean troops", 10000, math.inf, "more than", "", "troop"),
        ("at least 4,000 dead", 4000, math.inf, "at least", "", "dead"),
        ("between 10,000 and 12,000 troops", 10000, 12000, "", "", "troop"),
        ("10-12,000 troops", 10000, 12000, "", "", "troop"),
        ("a deal worth $3.2bn", 3.2e9, 3.2e9, "", "USD", ""),
        ("some 1.5 million people", 1.5e6, 1.5e6, "about", "", "people"),
        ("clashed with six Chinese soldiers", 6, 6, "", "", "soldier"),
        ("prices rose 5% last year", 5, 5, "", "%", ""),
    ],
)
def test_figures_are_parsed(text, low, high, hedge, unit, noun) -> None:
    q = one(text)
    assert (q.low, q.high, q.hedge, q.unit, q.noun) == (low, high, hedge, unit, noun)
    assert text[q.start : q.end] == q.text


def test_two_figures_joined_by_and_stay_two() -> None:
    found = extract_quantities("worth $3.2bn and 12m people")
    assert [(q.text, q.low, q.unit) for q in found] == [("$3.2bn", 3.2e9, "USD"), ("12m", 12e6, "")]


@pytest.mark.parametrize(
    "text",
    ["On Monday(4/28/25), in 2024", "the 810th Brigade", "at 10:30 local time", "one of the men"],
)
def test_dates_ordinals_and_times_are_not_counts(text: str) -> None:
    assert extract_quantities(text) == []


def test_offsets_are_code_points() -> None:
    text = "🇰🇵 sent 12,000 troops"
    q = one(text)
    assert text[q.start : q.end] == "12,000"


def test_troop_figures_of_the_seeds_conflict() -> None:
    roughly_11k = one("Pyongyang sent roughly 11,000 troops")
    recruited_12k = one("recruited 12,000 soldiers")
    up_to_12k = one("plans to send up to 12,000 troops")
    ten_k = one("10,000 troops")
    assert conflicting(roughly_11k, recruited_12k)
    assert conflicting(ten_k, recruited_12k)
    assert conflicting(ten_k, roughly_11k)
    # "up to 12,000" allows both 11,000 and 12,000.
    assert not conflicting(roughly_11k, up_to_12k)
    assert not conflicting(recruited_12k, up_to_12k)
    # A tolerance lets close figures agree.
    assert not conflicting(roughly_11k, recruited_12k, tolerance=0.05)


def test_special_forces_are_not_the_troop_total() -> None:
    assert not conflicting(one("approximately 1,500 special forces"), one("roughly 11,000 troops"))


def test_different_things_never_conflict() -> None:
    assert not conflicting(one("12,000 troops"), one("300 dead"))
    assert not conflicting(one("$12,000"), one("10,000 troops"))
