from __future__ import annotations

from django.contrib import admin

from claims import models


class AppearanceInline(admin.TabularInline):
    model = models.ClaimAppearance
    extra = 0
    raw_id_fields = ("article", "annotation", "suggestion")


@admin.register(models.Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("pk", "canonical_text", "verdict", "published_at", "merged_into")
    search_fields = ("canonical_text",)
    raw_id_fields = ("verdict", "published_by", "merged_into")
    exclude = ("embedding",)
    inlines = [AppearanceInline]


@admin.register(models.MatchCandidate)
class MatchCandidateAdmin(admin.ModelAdmin):
    list_display = ("pk", "claim", "article", "score", "status")
    list_filter = ("status",)
    raw_id_fields = ("claim", "article", "annotation", "suggestion", "decided_by")


@admin.register(models.Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("pk", "article", "tag", "score", "quote")
    raw_id_fields = ("article",)


@admin.register(models.SuggestionDecision)
class SuggestionDecisionAdmin(admin.ModelAdmin):
    list_display = ("pk", "suggestion", "reviewer", "decision", "created_at")
    raw_id_fields = ("suggestion", "reviewer", "annotation")


@admin.register(models.EarlierFactCheck)
class EarlierFactCheckAdmin(admin.ModelAdmin):
    list_display = ("pk", "rating", "claim_text", "publisher", "url")
    search_fields = ("claim_text", "publisher")
    raw_id_fields = ("imported_by",)


@admin.register(models.FigureConflict)
class FigureConflictAdmin(admin.ModelAdmin):
    list_display = ("pk", "claim", "kind", "first_figure", "second_figure", "status")
    list_filter = ("kind", "status")
    raw_id_fields = ("claim", "first", "second", "resolved_by")
