"""Stored agreement reports, with the time and the inputs they cover."""

from __future__ import annotations

from typing import Any

from django.db import models

from annotations import roles


class ReportScope(models.TextChoices):
    ARTICLE = "article", "Article"
    CORPUS = "corpus", "Corpus"


class AgreementReportQuerySet(models.QuerySet["AgreementReport"]):
    def articles(self) -> AgreementReportQuerySet:
        return self.filter(scope=ReportScope.ARTICLE)

    def corpus(self) -> AgreementReportQuerySet:
        return self.filter(scope=ReportScope.CORPUS)

    def visible_to(self, user: Any) -> AgreementReportQuerySet:
        """Reports this user may read.

        Adjudicators and admins see every report. A reviewer sees the article reports of the
        articles they submitted themselves (blind review: the report names the other reviewers'
        figures) and no corpus report.
        """
        from annotations.models.articles import Article
        from annotations.models.review import Assignment, AssignmentStatus

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if roles.is_adjudicator(user):
            return self
        if not roles.is_reviewer(user):
            return self.none()
        submitted = Assignment.objects.filter(
            reviewer=user, status=AssignmentStatus.SUBMITTED
        ).values("article_id")
        return self.filter(
            scope=ReportScope.ARTICLE,
            article_id__in=submitted,
        ).filter(article_id__in=Article.objects.visible_to(user).values("pk"))


class AgreementReport(models.Model):
    """One article's agreement (one row per article, replaced on recompute) or one corpus
    computation (a new row each time, the last few hundred kept for the trend)."""

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

    objects = AgreementReportQuerySet.as_manager()

    class Meta:
        ordering = ["-computed_at"]
        indexes = [models.Index(fields=["scope", "computed_at"], name="report_scope_time_idx")]
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


class StaleAgreement(models.Model):
    """An article whose agreement must be recomputed: a reviewer submitted it.

    The row doubles as the coalescing marker: only the submission that inserts it enqueues
    the task, so a burst of submissions on one article causes one computation; the task
    deletes the row before it reads the annotations.
    """

    article = models.OneToOneField(
        "annotations.Article",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="agreement_stale",
    )
    since = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"agreement of article {self.article_id} stale since {self.since:%H:%M:%S}"
