"""Role questions for templates: {% load factcheck_roles %}{% if user|is_admin %}."""

from __future__ import annotations

from typing import Any

from django import template

from annotations import roles

register = template.Library()


@register.filter
def is_admin(user: Any) -> bool:
    return roles.is_admin(user)


@register.filter
def is_adjudicator(user: Any) -> bool:
    return roles.is_adjudicator(user)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """mapping[key] in a template (None when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
