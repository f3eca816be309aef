"""The claims panel other pages include: suggestions and "also appears in N other articles"."""

from __future__ import annotations

from typing import Any

from django import template

from annotations import roles
from claims.services import reading, suggestions

register = template.Library()


@register.inclusion_tag("claims/_panel.html", takes_context=True)
def claims_panel(context: dict[str, Any], article: Any, mode: str = "annotate") -> dict[str, Any]:
    """``mode`` "annotate" adds the reviewer's suggestions; "adjudicate" shows groups only."""
    request = context["request"]
    user = request.user
    show_suggestions = mode == "annotate" and bool(context.get("can_annotate"))
    return {
        "article": article,
        "mode": mode,
        "groups": reading.claims_in_article(user, article),
        "candidates": list(reading.candidates_in_article(user, article)[:20]),
        "suggestions": suggestions.suggestions_for(user=user, article=article)
        if show_suggestions
        else [],
        "show_suggestions": show_suggestions,
        "is_adjudicator": roles.is_adjudicator(user),
    }
