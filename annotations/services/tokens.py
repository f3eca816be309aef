"""API tokens: create (the key is shown once), authenticate by hash, revoke.

Only the sha256 of a key is stored, so a database leak does not leak usable keys. Keys are
long random strings (256 bits), so an unsalted fast hash is enough: there is nothing to
brute-force that is smaller than the key itself.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from annotations.models import ApiToken, Via
from annotations.models.tokens import TokenScope
from annotations.services.audit import record

KEY_PREFIX = "fck_"
PREFIX_CHARS = 12
MAX_TOKENS_PER_USER = 50
# Writing last_used_at on every request would turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """The request to create or revoke a token is wrong; the message says why."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(
    *, user: Any, name: str, scope: str = TokenScope.READ, via: Via | str = Via.UI
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns (token, key). The key is never retrievable again."""
    name = (name or "").strip()
    if not name:
        raise TokenError("Give the token a name, e.g. the client that will use it.")
    if len(name) > 100:
        raise TokenError("The name is too long (at most 100 characters).")
    if scope not in TokenScope.values:
        raise TokenError(f"scope must be one of {', '.join(TokenScope.values)} (got {scope!r}).")
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_TOKENS_PER_USER:
        raise TokenError(f"You have {active} active tokens; revoke one first.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:PREFIX_CHARS], key_hash=hash_key(key), scope=scope
    )
    record(
        actor=user,
        via=via,
        action="token.create",
        obj=token,
        article_id=None,
        after={"name": name, "scope": scope, "prefix": token.prefix},
    )
    return token, key


@transaction.atomic
def revoke_token(*, user: Any, token: ApiToken, via: Via | str = Via.UI) -> ApiToken:
    """Revoke one of the user's own tokens. Revoking twice is harmless."""
    if token.user_id != user.pk:
        raise TokenError("You can revoke only your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor=user,
            via=via,
            action="token.revoke",
            obj=token,
            article_id=None,
            after={"name": token.name, "prefix": token.prefix},
        )
    return token


def _group_names_sql() -> str:
    """A subquery of the token owner's group names, newline-separated (roles are groups)."""
    through = get_user_model().groups.through._meta
    group = Group._meta.db_table
    user_column = through.get_field("user").column
    group_column = through.get_field("group").column
    names = (
        "string_agg(g.name, E'\\n')"
        if connection.vendor == "postgresql"
        else "group_concat(g.name, char(10))"
    )
    # Only table and column names of the models: no input reaches this SQL.
    sql = "(SELECT {} FROM {} g JOIN {} ug ON ug.{} = g.id WHERE ug.{} = {}.user_id)"
    return sql.format(names, group, through.db_table, group_column, user_column,
                      ApiToken._meta.db_table)  # fmt: skip


def authenticate_key(key: str) -> ApiToken | None:
    """The active token with this key (and its user), or None. Notes when it was last used."""
    # key_hash is unique: a slice, not first(), which would sort the one row by id.
    found = list(
        ApiToken.objects.select_related("user")
        .annotate(group_names=RawSQL(_group_names_sql(), []))  # noqa: S611
        .filter(key_hash=hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .order_by()[:1]
    )
    if not found:
        return None
    token = found[0]
    # The user's roles came with the token: roles.* asks no second query on this request.
    token.user._factcheck_groups = set(filter(None, (token.group_names or "").split("\n")))
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
