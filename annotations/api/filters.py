"""django-filter FilterSets: the query parameters of the list and export endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from annotations.ids import parse_id
from annotations.models import Annotation, Article, ArticleStatus, ImportJob, Tag
from annotations.models.imports import JobKind, JobStatus
from annotations.models.review import AnnotationKind, AnnotationState


class LenientIsoDateTimeField(df.fields.IsoDateTimeField):
    """ISO 8601; also accepts a "+hh:mm" offset whose "+" arrived as a space (not URL-encoded).

    The value is returned in UTC: PostgreSQL refuses offsets beyond ±15:59 that Python
    accepts, and year 1 with a positive offset lies before datetime.min.
    """

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 6 and value[-6] == " " and value[-3] == ":":
                value = value[:-6] + "+" + value[-5:]
        result = super().to_python(value)
        if result is None:
            return None
        try:
            return result.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("Date-time out of range.") from None


class IsoDateTimeFilter(df.IsoDateTimeFilter):
    field_class = LenientIsoDateTimeField


class StrictBooleanField(forms.Field):
    """true/false (or 1/0); anything else is an error rather than silently ignored."""

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError("Use true or false.")


class BooleanFilter(df.BooleanFilter):
    field_class = StrictBooleanField


MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    """ASCII digits only: int() would take "١" (Arabic-Indic one) for 1."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = parse_id(str(value).strip())
        if number is None:
            raise forms.ValidationError("Enter a whole number (an id).", code="invalid")
        return number


class IdFilter(df.NumberFilter):
    """An object id: a whole number in the database's range (a bigger one would overflow)."""

    field_class = IdField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


UPDATED_SINCE_HELP = (
    "ISO 8601 date-time. Rows changed at or after it, oldest change first, INCLUDING "
    "deletions as tombstones `{id, deleted: true, updated_at}`. Store the largest "
    "`updated_at` you saw and poll again with it."
)


class ArticleFilter(df.FilterSet):
    source = df.CharFilter(field_name="source", help_text="Outlet, exact match.")
    published_after = IsoDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="Published at or after."
    )
    published_before = IsoDateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="Published before."
    )
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    import_job = IdFilter(field_name="import_job_id", help_text="Import job id.")
    status = df.ChoiceFilter(choices=ArticleStatus.choices)
    q = df.CharFilter(method="search", help_text="Text search in title and text.")
    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after."
    )

    class Meta:
        model = Article
        fields: list[str] = []

    def search(self, queryset: QuerySet[Article], name: str, value: str) -> QuerySet[Article]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value))


class AnnotationFilter(df.FilterSet):
    article = IdFilter(field_name="article_id", help_text="Article id.")
    tag = df.ChoiceFilter(choices=Tag.choices)
    verdict = df.CharFilter(field_name="verdict__slug", help_text="Verdict label slug.")
    reviewer = df.CharFilter(field_name="reviewer__username", help_text="Reviewer's username.")
    source = df.CharFilter(field_name="article__source", help_text="Article's outlet.")
    kind = df.ChoiceFilter(choices=AnnotationKind.choices)
    state = df.ChoiceFilter(choices=AnnotationState.choices, help_text="draft or submitted.")
    needs_attention = BooleanFilter()
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    article_published_after = IsoDateTimeFilter(
        field_name="article__published_at", lookup_expr="gte"
    )
    article_published_before = IsoDateTimeFilter(
        field_name="article__published_at", lookup_expr="lt"
    )
    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE_HELP
    )

    class Meta:
        model = Annotation
        fields: list[str] = []


class VerdictFilter(AnnotationFilter):
    published = BooleanFilter(
        method="filter_published",
        help_text="true: only official verdicts (finals on published articles).",
    )
    has_final = BooleanFilter(
        method="filter_has_final", help_text="true: only rows with a final verdict."
    )

    def filter_published(self, queryset: QuerySet[Any], name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        official = Q(kind=AnnotationKind.FINAL, article__status=ArticleStatus.PUBLISHED)
        return queryset.filter(official) if value else queryset.exclude(official)

    def filter_has_final(self, queryset: QuerySet[Any], name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        final = Q(kind=AnnotationKind.FINAL)
        return queryset.filter(final) if value else queryset.exclude(final)


class ImportJobFilter(df.FilterSet):
    status = df.ChoiceFilter(choices=JobStatus.choices)
    kind = df.ChoiceFilter(choices=JobKind.choices)

    class Meta:
        model = ImportJob
        fields: list[str] = []


def filter_parameters(filterset: type[df.FilterSet]) -> list[OpenApiParameter]:
    """OpenAPI query parameters of a FilterSet, for views that are not list views."""
    params = []
    for name, field in filterset.base_filters.items():
        kind: Any = str
        enum = None
        if isinstance(field, df.NumberFilter):
            kind = int
        elif isinstance(field, df.BooleanFilter):
            kind = bool
        elif isinstance(field, df.IsoDateTimeFilter):
            kind = OpenApiTypes.DATETIME
        elif isinstance(field, df.ChoiceFilter):
            enum = [value for value, _ in field.extra["choices"]]
        params.append(
            OpenApiParameter(
                name, kind, enum=enum, description=str(field.extra.get("help_text") or "")
            )
        )
    return params


def reject_repeated(params: Any, names: Any) -> None:
    """A filter given twice (``?tag=claim&tag=denial``) is refused: only one would be used."""
    repeated = {
        name: ["Give this parameter once."] for name in names if len(params.getlist(name)) > 1
    }
    if repeated:
        raise ValidationError(repeated)


class FilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names none of the view's filters.

    Building and validating a FilterSet's form costs a few milliseconds per request, which
    is a large share of a page when a client just pages through everything.
    """

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        params = request.query_params
        reject_repeated(params, filterset_class.base_filters)
        if not any(name in params for name in filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)
