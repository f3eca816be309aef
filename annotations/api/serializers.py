"""Serializers: shape input and output; the rules themselves live in the services."""

from __future__ import annotations

import copy
from typing import Any

from django.http import QueryDict
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from annotations.api.formats import iso
from annotations.models import (
    AgreementReport,
    Annotation,
    ApiToken,
    Article,
    ClaimantType,
    ImportJob,
    Tag,
    VerdictLabel,
    VerdictScale,
)
from annotations.models.tokens import TokenScope

MAX_OFFSET = 2**31 - 1  # the database column's range; larger is never a valid offset


def json_type_error(field: serializers.Field, value: Any) -> str | None:
    """Why ``value`` has the wrong JSON type for ``field`` (DRF would coerce 123 to "123",
    "5" to 5 and true to 1, storing what the client never meant), or None."""
    if value is None:
        return None  # allow_null decides
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return "Must be a list."
        for i, item in enumerate(value):
            if problem := json_type_error(field.child, item):
                return f"Item {i}: {problem}"
        return None
    if isinstance(field, serializers.CharField | serializers.ChoiceField):
        return None if isinstance(value, str) else "Must be a string."
    if isinstance(field, serializers.IntegerField):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "Must be a whole number."
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "Must be true or false."
    return None


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (a typo is an error rather than silently ignored) and,
    in JSON bodies, values of the wrong type (no coercion of 123 into "123")."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = set(data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: ["Unknown field."] for name in sorted(unknown)}
            )
        if not isinstance(data, QueryDict):  # form fields are all text: only JSON has types
            wrong = {
                name: [problem]
                for name, value in data.items()
                if (problem := json_type_error(self.fields[name], value))
            }
            if wrong:
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)


class StrictSerializerSchema(OpenApiSerializerExtension):
    """In the OpenAPI schema a strict serializer's request body says
    ``additionalProperties: false``: it refuses unknown fields, so the schema must not promise
    that they are accepted (schemathesis checks both ways)."""

    target_class = StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema


class AnnotationWriteSerializer(StrictSerializer):
    def get_fields(self) -> dict[str, Any]:
        return copy_fields(self._declared_fields)

    article = serializers.IntegerField(min_value=1, help_text="Article id.")
    start = serializers.IntegerField(
        min_value=0,
        max_value=MAX_OFFSET,
        help_text="Start offset in Unicode code points of the article text.",
    )
    end = serializers.IntegerField(
        min_value=1, max_value=MAX_OFFSET, help_text="End offset (exclusive), code points."
    )
    quote = serializers.CharField(
        trim_whitespace=False, help_text="Exactly article.text[start:end]."
    )
    tag = serializers.ChoiceField(choices=Tag.choices)
    verdict = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="Label slug of the scale."
    )
    claimant = serializers.CharField(required=False, allow_blank=True, max_length=300)
    claimant_type = serializers.ChoiceField(
        choices=ClaimantType.choices,
        required=False,
        allow_blank=True,
        help_text="person, organization or blank (unknown). Left out: the type last used for "
        "this claimant name (on this article first), else unknown.",
    )
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


def copy_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Fresh, unbound copies of serializer fields, for one serializer instance.

    DRF deep-copies every field for every serializer instance by calling its constructor
    again (the largest single CPU cost of a span write's serializers). A shallow copy is
    enough for scalar fields: binding sets attributes on the copy only, and what the copies
    share (choices, validators, error messages) is never changed after construction. A
    list's child is copied and given its new parent; nested serializers are deep-copied.
    """
    out = {}
    for name, field in fields.items():
        child = getattr(field, "child", None)
        if isinstance(field, serializers.BaseSerializer) or isinstance(
            child, serializers.BaseSerializer
        ):
            out[name] = copy.deepcopy(field)
            continue
        clone = copy.copy(field)
        if isinstance(child, serializers.Field):
            clone.child = copy.copy(child)  # bound to the template at its construction
            clone.child.parent = clone
        out[name] = clone
    return out


class CachedModelFieldsMixin:
    """Build a ModelSerializer's fields once per class, then copy them for each instance.

    ModelSerializer introspects the model for every instance it makes (a large share of a
    span write's own CPU time); the fields depend only on the class and its Meta.
    """

    _fields_by_class: dict[type, dict[str, Any]] = {}

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        if cls not in CachedModelFieldsMixin._fields_by_class:
            CachedModelFieldsMixin._fields_by_class[cls] = super().get_fields()  # type: ignore[misc]
        return copy_fields(CachedModelFieldsMixin._fields_by_class[cls])


class AnnotationSerializer(CachedModelFieldsMixin, serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)
    verdict = serializers.SerializerMethodField()
    verdict_name = serializers.SerializerMethodField()
    deleted = serializers.SerializerMethodField()

    class Meta:
        model = Annotation
        fields = [
            "id", "article", "reviewer", "kind", "start", "end", "quote", "prefix", "suffix",
            "tag", "verdict", "verdict_name", "claimant", "claimant_type", "note", "evidence_urls",
            "state",
            "anchor_status", "needs_attention", "version", "created_at", "updated_at",
            "deleted",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance: Annotation) -> dict[str, Any]:
        if instance.deleted_at is not None:
            # A tombstone: sync clients need only to know the row is gone.
            return {
                "id": instance.pk,
                "deleted": True,
                "updated_at": iso(instance.updated_at),
                "version": instance.version,
            }
        return super().to_representation(instance)

    def get_verdict(self, obj: Annotation) -> str | None:
        return obj.verdict.slug if obj.verdict_id else None

    def get_verdict_name(self, obj: Annotation) -> str | None:
        return obj.verdict.name if obj.verdict_id else None

    def get_deleted(self, obj: Annotation) -> bool:
        """Always false here; tombstones are ``{id, deleted: true, updated_at, version}``."""
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


class ArticleListSerializer(serializers.ModelSerializer):
    """Articles in a list: metadata only; the text is in the detail."""

    verdict_scale = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Article
        fields = [
            "id", "title", "byline", "published_at", "source", "url", "language", "status",
            "revision", "verdict_scale", "import_job", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ArticlePublicationSerializer(serializers.ModelSerializer):
    """An article after mark-adjudicated / publish / unpublish: metadata and publication time."""

    verdict_scale = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Article
        fields = [
            "id", "title", "byline", "published_at", "source", "url", "language", "status",
            "revision", "verdict_scale", "published_verdicts_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class VerdictLabelSerializer(serializers.ModelSerializer):
    class Meta:
        model = VerdictLabel
        fields = ["slug", "name", "description", "ordinal", "is_rateable", "position"]
        read_only_fields = fields


class VerdictScaleSerializer(serializers.ModelSerializer):
    labels = VerdictLabelSerializer(many=True, read_only=True)
    rateable_ordinals = serializers.SerializerMethodField(
        help_text="[worst, best] ordinal of the rateable labels (ClaimReview worst/bestRating)."
    )

    class Meta:
        model = VerdictScale
        fields = [
            "id", "slug", "name", "description", "is_ordered", "is_default",
            "rateable_ordinals", "labels",
        ]  # fmt: skip
        read_only_fields = fields

    def get_rateable_ordinals(self, obj: VerdictScale) -> list[int] | None:
        bounds = obj.rateable_ordinals
        return list(bounds) if bounds else None


class ImportJobSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id", "kind", "status", "label", "source", "created_by", "total", "seen",
            "imported", "revised", "duplicates", "failed", "error", "progress", "created_at",
            "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_progress(self, obj: ImportJob) -> dict[str, Any]:
        try:
            from annotations.services.imports import job_progress
        except ImportError:  # the import engineer's progress report has not landed yet
            job_progress = None
        if job_progress is not None:
            # In a list: counts only, no per-job queries (the items are on the job's own page).
            listed = isinstance(self.parent, serializers.ListSerializer)
            return dict(job_progress(obj, limit=0, refresh=False) if listed else job_progress(obj))
        return {
            "done": obj.seen,
            "total": obj.total,
            "percent": round(100 * obj.seen / obj.total) if obj.total else 100,
            "finished": obj.is_finished,
        }


class ImportRequestSerializer(StrictSerializer):
    urls = serializers.ListField(
        child=serializers.CharField(max_length=2000),
        min_length=1,
        max_length=1000,
        help_text="Web addresses to fetch and import.",
    )
    source = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AgreementReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementReport
        fields = ["scope", "article", "computed_at", "headline", "inputs", "report"]
        read_only_fields = fields


class ApiTokenSerializer(serializers.ModelSerializer):
    active = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "scope", "created_at", "last_used_at", "revoked_at",
                  "active"]  # fmt: skip
        read_only_fields = fields

    def get_active(self, obj: ApiToken) -> bool:
        return obj.revoked_at is None


class ApiTokenCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100, help_text="What the token is for.")
    scope = serializers.ChoiceField(choices=TokenScope.choices, default=TokenScope.READ)


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = serializers.CharField(
        read_only=True, help_text="The secret key. Shown once; store it now."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
        read_only_fields = fields
