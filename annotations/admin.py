"""Django admin for every model, usable without reading code."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from annotations.models import (
    AgreementReport,
    Annotation,
    ApiToken,
    Article,
    ArticleRevision,
    Assignment,
    AuditEvent,
    Feed,
    FeedEntry,
    ImportItem,
    ImportJob,
    VerdictLabel,
    VerdictScale,
)


class VerdictLabelInline(admin.TabularInline):
    model = VerdictLabel
    extra = 1
    fields = ("position", "slug", "name", "ordinal", "is_rateable", "description")


@admin.register(VerdictScale)
class VerdictScaleAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_ordered", "is_default")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [VerdictLabelInline]


@admin.register(VerdictLabel)
class VerdictLabelAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "scale", "ordinal", "is_rateable", "position")
    list_filter = ("scale", "is_rateable")


class ArticleRevisionInline(admin.TabularInline):
    model = ArticleRevision
    extra = 0
    fields = ("number", "title", "content_hash", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "source", "published_at", "status", "revision", "created_at")
    list_filter = ("status", "source", "language")
    search_fields = ("title", "byline", "source", "url")
    date_hierarchy = "created_at"
    readonly_fields = ("raw", "content_hash", "minhash", "removed_lines", "created_at")
    raw_id_fields = ("near_duplicate_of", "import_job")
    inlines = [ArticleRevisionInline]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        # The cleaned text is what offsets point into: editing it in place would corrupt
        # every annotation, so changes go through a revision import instead.
        if obj is not None:
            return (*self.readonly_fields, "text")
        return self.readonly_fields


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ("article", "number", "created_at")
    readonly_fields = ("article", "number", "title", "raw", "text", "content_hash", "import_job")


class ImportItemInline(admin.TabularInline):
    model = ImportItem
    extra = 0
    fields = ("position", "name", "status", "article", "duplicate_of", "similarity", "error")
    readonly_fields = fields
    can_delete = False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "kind",
        "label",
        "status",
        "total",
        "imported",
        "revised",
        "duplicates",
        "failed",
    )
    list_filter = ("status", "kind")
    readonly_fields = ("created_at", "started_at", "heartbeat_at", "finished_at")
    inlines = [ImportItemInline]


@admin.register(ImportItem)
class ImportItemAdmin(admin.ModelAdmin):
    list_display = ("name", "job", "status", "article", "duplicate_of", "error")
    list_filter = ("status",)
    search_fields = ("name", "error")
    exclude = ("payload",)
    raw_id_fields = ("job", "article", "duplicate_of")


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ("title", "url", "interval_minutes", "is_active", "last_polled_at")
    list_filter = ("is_active",)


@admin.register(FeedEntry)
class FeedEntryAdmin(admin.ModelAdmin):
    list_display = ("title", "feed", "url", "seen_at")
    list_filter = ("feed",)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("article", "reviewer", "status", "active", "assigned_by", "submitted_at")
    list_filter = ("status", "active", "reviewer")
    raw_id_fields = ("article",)


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ("quote_short", "tag", "verdict", "reviewer", "kind", "state", "anchor_status")
    list_filter = ("tag", "kind", "state", "anchor_status", "needs_attention")
    search_fields = ("quote", "claimant", "note")
    raw_id_fields = ("article", "based_on")
    readonly_fields = ("version", "created_at", "updated_at", "deleted_at")

    @admin.display(description="Quote")
    def quote_short(self, obj: Annotation) -> str:
        return obj.quote[:80]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_name", "via", "action", "object_type", "object_id")
    list_filter = ("via", "action")
    search_fields = ("actor_name", "action")

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "scope", "created_at", "last_used_at", "revoked_at")
    list_filter = ("scope",)
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")


@admin.register(AgreementReport)
class AgreementReportAdmin(admin.ModelAdmin):
    list_display = ("scope", "article", "computed_at", "headline")
    list_filter = ("scope",)
    readonly_fields = ("computed_at", "inputs", "stats", "report")
