"""Adjudication records that are not annotations: items an adjudicator dismissed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ItemDismissal(models.Model):
    """An aligned item the adjudicator decided needs no final annotation, and why.

    An item is identified by the ids of the reviewers' annotations aligned into it
    (``item_key``, e.g. ``"12-15"``), so a dismissal stops applying if re-anchoring or a new
    submission changes what the item holds: the item then shows as unresolved again.
    """

    article = models.ForeignKey(
        "annotations.Article", on_delete=models.CASCADE, related_name="dismissals"
    )
    item_key = models.CharField(max_length=500)
    rationale = models.TextField()
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["article", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "item_key"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_live_dismissal_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"dismissed {self.item_key} on {self.article_id}"
