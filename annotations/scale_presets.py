"""Verdict scales shipped with the service. Admins add or edit scales in the admin."""

from __future__ import annotations

from typing import TypedDict


class LabelPreset(TypedDict):
    slug: str
    name: str
    description: str
    ordinal: int | None
    is_rateable: bool


class ScalePreset(TypedDict):
    slug: str
    name: str
    description: str
    is_ordered: bool
    labels: list[LabelPreset]


TRUTH_O_METER: ScalePreset = {
    "slug": "truth-o-meter",
    "name": "Six-step truth scale",
    "description": "From True to Pants on Fire, like PolitiFact's Truth-O-Meter.",
    "is_ordered": True,
    "labels": [
        {"slug": "true", "name": "True", "ordinal": 6, "is_rateable": True,
         "description": "The statement is accurate and nothing significant is missing."},
        {"slug": "mostly-true", "name": "Mostly true", "ordinal": 5, "is_rateable": True,
         "description": "Accurate but needs clarification or additional information."},
        {"slug": "half-true", "name": "Half true", "ordinal": 4, "is_rateable": True,
         "description": "Partially accurate; leaves out important details or takes things "
         "out of context."},
        {"slug": "mostly-false", "name": "Mostly false", "ordinal": 3, "is_rateable": True,
         "description": "Contains an element of truth but ignores critical facts."},
        {"slug": "false", "name": "False", "ordinal": 2, "is_rateable": True,
         "description": "The statement is not accurate."},
        {"slug": "pants-on-fire", "name": "Pants on fire", "ordinal": 1, "is_rateable": True,
         "description": "Not accurate and makes a ridiculous claim."},
        {"slug": "unverifiable", "name": "Unverifiable", "ordinal": None, "is_rateable": False,
         "description": "Cannot be checked with the evidence available (not a truth rating)."},
    ],
}  # fmt: skip

FEVER: ScalePreset = {
    "slug": "fever",
    "name": "Supported / refuted / not enough info",
    "description": "Three-way labels of the FEVER shared task.",
    "is_ordered": True,
    "labels": [
        {"slug": "supported", "name": "Supported", "ordinal": 2, "is_rateable": True,
         "description": "The evidence supports the claim."},
        {"slug": "refuted", "name": "Refuted", "ordinal": 1, "is_rateable": True,
         "description": "The evidence contradicts the claim."},
        {"slug": "not-enough-info", "name": "Not enough info", "ordinal": None,
         "is_rateable": False, "description": "The evidence neither supports nor refutes it."},
    ],
}  # fmt: skip

PRESETS: tuple[ScalePreset, ...] = (TRUTH_O_METER, FEVER)
DEFAULT_PRESET = TRUTH_O_METER["slug"]
