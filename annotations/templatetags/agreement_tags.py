"""Template helpers for the agreement dashboard and the navigation."""

from __future__ import annotations

from typing import Any

from django import template

from annotations import roles

register = template.Library()

COUNT_LABELS = {
    "n_pairs": "pairs",
    "n_pairs_defined": "defined",
    "n_pairable": "values",
    "n_values": "distinct values",
    "n_units": "units",
    "n_categories": "tags",
    "n_items": "items",
    "ratings_per_item": "ratings per item",
}


@register.filter
def counts_label(name: str) -> str:
    return COUNT_LABELS.get(name, name.replace("_", " "))


@register.filter
def is_adjudicator(user: Any) -> bool:
    return roles.is_adjudicator(user)
