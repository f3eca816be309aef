"""The audit history over the API: one article's or one annotation's timeline, scoped."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers, viewsets

from annotations.api.adjudication_common import IdCursor, int_param
from annotations.models import AuditEvent
from annotations.services.history import changes, history


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name", read_only=True)
    article = serializers.IntegerField(source="article_id", read_only=True, allow_null=True)
    changes = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id", "created_at", "actor", "via", "action", "object_type", "object_id",
            "article", "before", "after", "changes", "note",
        ]  # fmt: skip
        read_only_fields = fields

    def get_changes(self, obj: AuditEvent) -> list[dict[str, Any]]:
        return list(changes(obj))


class HistoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Append-only history, oldest first: ``?article=<id>`` or ``?annotation=<id>``.

    Adjudicators and admins see everything; a reviewer sees the history of the annotations
    they may see (their own, and others' once they submitted the article), their own
    assignments, and the article-level steps of articles they submitted or that are published.
    """

    serializer_class = AuditEventSerializer
    pagination_class = IdCursor

    def get_queryset(self) -> Any:
        return history(
            self.request.user,
            article_id=int_param(self.request, "article"),
            annotation_id=int_param(self.request, "annotation"),
        )
