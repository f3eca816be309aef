"""Serializers: shape input and output; the rules themselves live in the services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from annotations.models import Annotation, Article, Tag


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo is an error rather than silently ignored."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = set(data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: ["Unknown field."] for name in sorted(unknown)}
            )
        return super().to_internal_value(data)


class AnnotationWriteSerializer(StrictSerializer):
    article = serializers.IntegerField(min_value=1, help_text="Article id.")
    start = serializers.IntegerField(
        min_value=0, help_text="Start offset in Unicode code points of the article text."
    )
    end = serializers.IntegerField(min_value=1, help_text="End offset (exclusive), code points.")
    quote = serializers.CharField(
        trim_whitespace=False, help_text="Exactly article.text[start:end]."
    )
    tag = serializers.ChoiceField(choices=Tag.choices)
    verdict = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="Label slug of the scale."
    )
    claimant = serializers.CharField(required=False, allow_blank=True, max_length=300)
    note = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=10_000
    )
    evidence_urls = serializers.ListField(
        child=serializers.CharField(max_length=2000), required=False, max_length=20
    )


class AnnotationUpdateSerializer(AnnotationWriteSerializer):
    """All fields optional (PATCH); the article cannot change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("article")
        for field in self.fields.values():
            field.required = False


class AnnotationSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)
    verdict = serializers.SerializerMethodField()
    verdict_name = serializers.SerializerMethodField()
    deleted = serializers.SerializerMethodField()

    class Meta:
        model = Annotation
        fields = [
            "id", "article", "reviewer", "kind", "start", "end", "quote", "prefix", "suffix",
            "tag", "verdict", "verdict_name", "claimant", "note", "evidence_urls", "state",
            "anchor_status", "needs_attention", "version", "created_at", "updated_at",
            "deleted",
        ]  # fmt: skip
        read_only_fields = fields

    def get_verdict(self, obj: Annotation) -> str | None:
        return obj.verdict.slug if obj.verdict_id else None

    def get_verdict_name(self, obj: Annotation) -> str | None:
        return obj.verdict.name if obj.verdict_id else None

    def get_deleted(self, obj: Annotation) -> bool:
        return obj.deleted_at is not None


class ArticleSerializer(serializers.ModelSerializer):
    verdict_scale = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Article
        fields = [
            "id", "title", "byline", "published_at", "source", "url", "language", "status",
            "revision", "verdict_scale", "text", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields
