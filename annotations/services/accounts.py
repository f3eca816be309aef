"""Roles and accounts: groups with their admin permissions, and demo users."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from annotations import roles


def ensure_roles() -> None:
    """Create the role groups and give the admin group the permissions the admin site needs."""
    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)
    admin_group = Group.objects.get(name=roles.ADMIN)
    admin_group.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label="annotations")
            | Q(content_type__app_label="auth", content_type__model__in=["user", "group"])
        )
    )


@transaction.atomic
def create_user(
    *, username: str, password: str, role: str, email: str = "", first_name: str = ""
) -> tuple[Any, bool]:
    """Create a user with one role, or return the existing one unchanged (idempotent)."""
    if role not in roles.ALL_ROLES:
        raise ValueError(f"Unknown role {role!r}; use one of {', '.join(roles.ALL_ROLES)}.")
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": email, "first_name": first_name}
    )
    if created:
        user.set_password(password)
        user.is_staff = role == roles.ADMIN
        user.save()
        user.groups.add(Group.objects.get(name=role))
    return user, created
