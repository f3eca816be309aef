"""{% load safe_links %}<a href="{{ article.url|safe_href }}">: user-supplied links, defensively.

`safe_href` returns the URL only if it is an absolute http(s) URL and "" otherwise; use
`{% if url|safe_href %}` to leave the link out entirely. Autoescaping still applies.
"""

from __future__ import annotations

from django import template

from annotations.services.links import is_http_url

register = template.Library()


@register.filter
def safe_href(url: object) -> str:
    return url if isinstance(url, str) and is_http_url(url) else ""
