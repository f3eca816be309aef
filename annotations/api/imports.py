"""Import jobs over the API: admins start them (files or URLs); everyone sees their own."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import roles
from annotations.api.filters import ImportJobFilter
from annotations.api.pagination import ID_PATTERN
from annotations.api.parsers import BoundedJSONParser
from annotations.api.serializers import ImportJobSerializer, ImportRequestSerializer
from annotations.models import ImportJob, JobKind

UPLOAD_SCHEMA = {
    "multipart/form-data": {
        "type": "object",
        "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "source": {"type": "string"},
        },
        "required": ["files"],
    },
    "application/json": ImportRequestSerializer,
}


@extend_schema_view(
    list=extend_schema(summary="Import jobs (admins: all; others: their own)"),
    retrieve=extend_schema(summary="One import job with its progress"),
    create=extend_schema(
        summary="Start an import (admins only)",
        description="multipart/form-data with one or more `files` (text, HTML or JSONL), or "
        'JSON `{"urls": [...], "source": "..."}`. The job runs in the background; poll its '
        "detail for progress.",
        request=UPLOAD_SCHEMA,
        responses={
            202: ImportJobSerializer,
            400: OpenApiResponse(description="Problem"),
            403: OpenApiResponse(description="Problem"),
        },
    ),
)
class ImportJobViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = ID_PATTERN
    serializer_class = ImportJobSerializer
    filterset_class = ImportJobFilter
    parser_classes = [BoundedJSONParser, MultiPartParser]

    def get_queryset(self) -> QuerySet[ImportJob]:
        return ImportJob.objects.visible_to(self.request.user).select_related("created_by")

    def get_keyset_ordering(self) -> tuple[str, ...]:
        return ("-id",)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not roles.is_admin(request.user):
            raise PermissionDenied("Only admins may start imports.")
        try:
            if request.content_type.startswith("multipart/"):
                uploads = request.FILES.getlist("files")
                if not uploads:
                    raise ValidationError({"files": ["Attach at least one file as `files`."]})
                extra = set(request.data) - {"files", "source"}
                if extra:
                    raise ValidationError({name: ["Unknown field."] for name in sorted(extra)})
                job = start_upload(
                    user=request.user,
                    files=[(f.name, f.read()) for f in uploads],
                    source=str(request.data.get("source", ""))[:200],
                )
            else:
                data = ImportRequestSerializer(data=request.data)
                data.is_valid(raise_exception=True)
                job = start_urls(
                    user=request.user,
                    urls=data.validated_data["urls"],
                    source=data.validated_data.get("source", ""),
                )
        except ValueError as exc:  # ImportRequestError is a ValueError with a clear message
            raise ValidationError({"non_field_errors": [str(exc)]}) from None
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


def start_upload(*, user: Any, files: list[tuple[str, bytes]], source: str) -> ImportJob:
    """The import service's upload entry point (its generic job creation until that lands)."""
    from annotations.services import imports

    if hasattr(imports, "start_upload_import"):
        return imports.start_upload_import(user=user, files=files, source=source, via="api")
    inputs = [imports.ImportInput(name=name, payload=payload) for name, payload in files]
    label = ", ".join(name for name, _ in files)
    return imports.create_import_job(
        user=user, kind=JobKind.UPLOAD, inputs=inputs, label=label, source=source
    )


def start_urls(*, user: Any, urls: list[str], source: str) -> ImportJob:
    """The import service's URL entry point (its generic job creation until that lands)."""
    from annotations.services import imports

    if hasattr(imports, "start_url_import"):
        return imports.start_url_import(user=user, urls=urls, source=source, via="api")
    cleaned = [url.strip() for url in urls if url.strip()]
    for url in cleaned:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{url[:100]!r} is not an http(s) URL.")
    if not cleaned:
        raise ValueError("Give at least one URL.")
    inputs = [imports.ImportInput(name=url) for url in cleaned]
    return imports.create_import_job(
        user=user, kind=JobKind.URLS, inputs=inputs, label=f"{len(cleaned)} URLs", source=source
    )
