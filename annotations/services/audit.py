"""Recording the audit history. Every service that changes reviewers' work calls `record`."""

from __future__ import annotations

from typing import Any

from annotations.models import AuditEvent, Via


def record(
    *,
    actor: Any,
    via: Via | str,
    action: str,
    obj: Any,
    article_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Append one event. Call inside the transaction that makes the change."""
    event = build_event(
        actor=actor, via=via, action=action, obj=obj, article_id=article_id,
        before=before, after=after, note=note,
    )  # fmt: skip
    event.save()
    return event


def build_event(
    *,
    actor: Any,
    via: Via | str,
    action: str,
    obj: Any,
    article_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """An unsaved event, for services that append many at once with ``bulk_create``."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor=user,
        actor_name=getattr(user, "username", "") if user else "system",
        via=via,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=getattr(obj, "pk", None),
        article_id=article_id,
        before=before,
        after=after,
        note=note,
    )
