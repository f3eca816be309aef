"""Stored agreement reports, with the time and the inputs they cover."""

from __future__ import annotations

from django.db import models


class ReportScope(models.TextChoices):
    ARTICLE = "article", "Article"
    CORPUS = "corpus", "Corpus"


class AgreementReport(models.Model):
    scope = models.CharField(max_length=10, choices=ReportScope.choices, db_index=True)
    article = models.OneToOneField(
        "annotations.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="agreement",
    )
    computed_at = models.DateTimeField(db_index=True)
    inputs = models.JSONField(
        default=dict, help_text="What the report covers: counts, reviewers, newest change."
    )
    stats = models.JSONField(default=dict, help_text="Sufficient statistics for aggregation.")
    report = models.JSONField(default=dict)
    headline = models.FloatField(
        null=True, blank=True, db_index=True, help_text="Span F1 (overlap), for sorting."
    )

    class Meta:
        ordering = ["-computed_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope="article", article__isnull=False)
                    | models.Q(scope="corpus", article__isnull=True)
                ),
                name="report_scope_matches_article",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} agreement at {self.computed_at:%Y-%m-%d %H:%M}"
