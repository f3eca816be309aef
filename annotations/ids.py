"""Whole numbers from user input (query strings, headers, form fields, paths).

``str.isdigit()`` accepts "¹", "١" and thousands of digits; ``int()`` then raises (ValueError
for superscripts, the 4,300-digit conversion limit) and the request became a 500. Ids here are
ASCII digits that fit a bigint, nothing else.
"""

from __future__ import annotations

import re

from django.urls import register_converter

ID_RE = re.compile(r"[0-9]{1,18}")


def parse_id(value: str | None) -> int | None:
    """The id in ``value`` (ASCII digits, at most 18 of them), or None."""
    if value is None or not ID_RE.fullmatch(value):
        return None
    return int(value)


class IdConverter:
    """``<dbid:pk>`` in URL patterns: an id that fits a bigint. Longer digit strings do not
    match (a 404), where ``<int:pk>`` passed them on to overflow in the database (a 500)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "dbid")
