"""The three roles and the questions every permission check asks about a user.

Roles are Django groups so that admins manage them in the admin without code. Superusers
count as admins.
"""

from __future__ import annotations

from typing import Any

REVIEWER = "reviewer"
ADJUDICATOR = "adjudicator"
ADMIN = "admin"
ALL_ROLES = (REVIEWER, ADJUDICATOR, ADMIN)


def _groups(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_factcheck_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._factcheck_groups = cached
    return cached


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or ADMIN in _groups(user)


def is_adjudicator(user: Any) -> bool:
    """Adjudicators (and admins) see every reviewer's work and settle disagreements."""
    return is_admin(user) or ADJUDICATOR in _groups(user)


def is_reviewer(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and (
        REVIEWER in _groups(user) or is_adjudicator(user)
    )
