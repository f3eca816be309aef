"""Serializers for claims (read shapes) and the small request bodies of the actions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations.api.serializers import StrictSerializer
from annotations.models import Tag
from claims.models import (
    Claim,
    ClaimAppearance,
    EarlierCheckMatch,
    FigureConflict,
    MatchCandidate,
    Suggestion,
)


class AppearanceSerializer(serializers.ModelSerializer):
    article_title = serializers.CharField(source="article.title", read_only=True)
    article_url = serializers.CharField(source="article.url", read_only=True)

    class Meta:
        model = ClaimAppearance
        fields = [
            "id",
            "claim",
            "article",
            "article_title",
            "article_url",
            "start",
            "end",
            "quote",
            "annotation",
            "outlet",
            "claimant",
            "date",
            "stance",
            "status",
            "score",
        ]


class EarlierCheckSerializer(serializers.ModelSerializer):
    claim_text = serializers.CharField(source="fact_check.claim_text")
    rating = serializers.CharField(source="fact_check.rating")
    url = serializers.CharField(source="fact_check.url")
    publisher = serializers.CharField(source="fact_check.publisher")

    class Meta:
        model = EarlierCheckMatch
        fields = ["claim_text", "rating", "url", "publisher", "score"]


class ClaimSerializer(serializers.ModelSerializer):
    verdict = serializers.SerializerMethodField()
    article_count = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "canonical_text",
            "verdict",
            "rationale",
            "published_at",
            "article_count",
            "merged_into",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_verdict(self, claim: Claim) -> str | None:
        return claim.verdict.slug if claim.verdict_id else None

    @extend_schema_field(serializers.IntegerField())
    def get_article_count(self, claim: Claim) -> int:
        return getattr(claim, "visible_articles", 0) or 0


class ClaimDetailSerializer(ClaimSerializer):
    appearances = serializers.SerializerMethodField()
    conflicts = serializers.SerializerMethodField()
    earlier_checks = EarlierCheckSerializer(many=True, read_only=True)

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "appearances", "conflicts", "earlier_checks"]

    @extend_schema_field(AppearanceSerializer(many=True))
    def get_appearances(self, claim: Claim) -> list[dict[str, Any]]:
        return AppearanceSerializer(self.context["appearances"], many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_conflicts(self, claim: Claim) -> list[dict[str, Any]]:
        return ConflictSerializer(self.context["conflicts"], many=True).data


class ConflictSerializer(serializers.ModelSerializer):
    first = AppearanceSerializer(read_only=True)
    second = AppearanceSerializer(read_only=True)

    class Meta:
        model = FigureConflict
        fields = [
            "id",
            "claim",
            "kind",
            "first",
            "second",
            "first_figure",
            "second_figure",
            "detail",
            "status",
            "resolution",
            "created_at",
        ]


class CandidateSerializer(serializers.ModelSerializer):
    claim_text = serializers.CharField(source="claim.canonical_text", read_only=True)

    class Meta:
        model = MatchCandidate
        fields = [
            "id",
            "claim",
            "claim_text",
            "article",
            "start",
            "end",
            "quote",
            "annotation",
            "lexical_score",
            "semantic_score",
            "score",
            "status",
            "decided_at",
        ]


class SuggestionSerializer(serializers.ModelSerializer):
    decision = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = ["id", "article", "start", "end", "quote", "tag", "claimant", "score", "decision"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decision(self, suggestion: Suggestion) -> str | None:
        """The requesting reviewer's own decision (never anyone else's)."""
        mine = self.context.get("decisions", {})
        return mine.get(suggestion.pk)


class AcceptSuggestionSerializer(StrictSerializer):
    tag = serializers.ChoiceField(choices=Tag.choices, required=False)
    claimant = serializers.CharField(required=False, allow_blank=True, max_length=300)
    quote = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    verdict = serializers.CharField(required=False, allow_blank=True, max_length=100)


class PublishSerializer(StrictSerializer):
    verdict = serializers.CharField(max_length=100)
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    canonical_text = serializers.CharField(required=False, allow_blank=True, max_length=2_000)


class MergeSerializer(StrictSerializer):
    other = serializers.IntegerField(min_value=1, max_value=2**62)


class SplitSerializer(StrictSerializer):
    appearances = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), min_length=1, max_length=500
    )


class ResolveSerializer(StrictSerializer):
    resolution = serializers.CharField(max_length=2_000)


class SimilarSerializer(StrictSerializer):
    text = serializers.CharField(max_length=5_000)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)


class SimilarResultSerializer(serializers.Serializer):
    claim = serializers.IntegerField()
    canonical_text = serializers.CharField()
    quote = serializers.CharField()
    score = serializers.FloatField()
    lexical_score = serializers.FloatField()
    semantic_score = serializers.FloatField(allow_null=True)


class FactCheckImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    skipped = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.CharField())
