"""The one rule for stored links: absolute http(s) URLs only.

Any URL that reaches the database (article URLs from every import path, feed URLs, feed entry
links, evidence URLs of annotations and finals) goes through `http_url_problem` first, and
templates render user-supplied links through the `safe_href` filter, which drops anything
else. A `javascript:`, `data:` or `vbscript:` link must never become a clickable href.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.validators import URLValidator

MAX_URL_LENGTH = 2000
HTTP_SCHEMES = ("http", "https")
# Model field validator (admin forms, full_clean): the same rule as http_url_problem.
validate_http_url = URLValidator(schemes=list(HTTP_SCHEMES))
# Browsers drop tabs and newlines inside URLs and ignore leading control characters, which is
# how "java\tscript:" slips past naive checks: any of them makes the URL unacceptable.
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]")


def http_url_problem(url: object) -> str | None:
    """Why `url` is not an absolute http(s) URL we store and link to, or None if it is fine."""
    if not isinstance(url, str):
        return "must be a text URL"
    if not url:
        return "is empty"
    if len(url) > MAX_URL_LENGTH:
        return f"is longer than {MAX_URL_LENGTH} characters"
    if _CONTROL_OR_SPACE.search(url):
        return "contains spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return f"is not a valid URL ({exc})"
    if parts.scheme.lower() not in HTTP_SCHEMES:
        shown = f"{parts.scheme}:" if parts.scheme else "no scheme"
        return f"is not an http:// or https:// URL ({shown})"
    if not parts.hostname:
        return "has no host name"
    return None


def is_http_url(url: object) -> bool:
    return http_url_problem(url) is None


def normalise_http_url(url: str) -> str:
    """The URL with its scheme in lower case (checked with http_url_problem first)."""
    scheme, rest = url.split(":", 1)
    return f"{scheme.lower()}:{rest}"
