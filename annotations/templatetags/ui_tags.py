"""Small presentation filters shared by the web pages: lines for a textarea, http(s)-only links,
and audit values in words instead of Python reprs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def lines(values: Any) -> str:
    """A list as one item per line (for a textarea); anything else as its text."""
    if values is None:
        return ""
    if isinstance(values, (list, tuple)):
        return "\n".join(str(v) for v in values)
    return str(values)


@register.filter
def http_url(value: Any) -> str:
    """The URL if it is an absolute http(s) URL with a host, else "" (never a javascript: or
    data: link). Render the others as text."""
    if not isinstance(value, str):
        return ""
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    if any(ord(c) < 32 or c.isspace() for c in url):
        return ""
    return url


def _words(value: Any, depth: int = 0) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        parts = [f"{str(k).replace('_', ' ')}: {_words(v, depth + 1)}" for k, v in value.items()]
        return ("; " if depth else "\n").join(parts) if depth < 3 else "…"
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, dict) for v in value):
            return "\n".join(f"({_words(v, depth + 1)})" for v in value)
        return ", ".join(_words(v, depth + 1) for v in value)
    return str(value)


@register.filter
def readable(value: Any) -> str:
    """An audit value (string, number, list, dict) in words: "—" for blank, lists joined,
    dicts as "field: value" lines."""
    return _words(value)


@register.filter
def field_label(name: Any) -> str:
    """A stored field name as words: "evidence_urls" → "evidence urls"."""
    return str(name).replace("_", " ")
