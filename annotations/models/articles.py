"""Articles: the imported texts reviewers annotate, and their earlier revisions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from annotations import roles
from annotations.services.links import validate_http_url


class ArticleStatus(models.TextChoices):
    """Workflow state, kept apart from any verdict."""

    NEW = "new", "New"
    IN_REVIEW = "in_review", "In review"
    REVIEWED = "reviewed", "Reviewed"
    ADJUDICATED = "adjudicated", "Adjudicated"
    PUBLISHED = "published", "Published"


class ArticleQuerySet(models.QuerySet["Article"]):
    def visible_to(self, user: Any) -> ArticleQuerySet:
        """Articles this user may open. Anonymous users see none.

        In "assigned" mode a reviewer sees only the articles assigned to them; in "open"
        mode every article. Adjudicators and admins always see every article.
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if roles.is_adjudicator(user):
            return self
        if not roles.is_reviewer(user):
            return self.none()
        if settings.FACTCHECK_ASSIGNMENT_MODE == "assigned":
            return self.filter(assignments__reviewer=user, assignments__active=True).distinct()
        return self


# Columns an article row carries that can be megabytes (its text, the raw input) or are only
# read by import and de-duplication: left out (``defer``) wherever a row is read for less.
ARTICLE_HEAVY_FIELDS = ("text", "raw", "minhash", "removed_lines")


class Article(models.Model):
    title = models.CharField(max_length=500, blank=True)
    byline = models.CharField(max_length=300, blank=True, help_text="Author(s) as printed.")
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    source = models.CharField(max_length=200, blank=True, db_index=True, help_text="Outlet.")
    url = models.URLField(
        max_length=2000, blank=True, db_index=True, validators=[validate_http_url]
    )
    source_id = models.CharField(
        max_length=300,
        blank=True,
        db_index=True,
        help_text="The outlet's own id (e.g. a feed GUID); a re-import with the same id and "
        "different text becomes a new revision.",
    )
    language = models.CharField(max_length=20, blank=True)
    raw = models.TextField(help_text="The input exactly as received (decoded), kept forever.")
    raw_format = models.CharField(max_length=20, default="text", help_text="text or html")
    # How the input bytes became ``raw``: raw.encode(raw_encoding) gives the bytes back, so a
    # doubtful guess can be re-decoded later with an encoding the admin chooses.
    raw_encoding = models.CharField(
        max_length=40,
        blank=True,
        help_text="Codec the input bytes were decoded with (empty: the input was already text).",
    )
    encoding_doubtful = models.BooleanField(
        default=False,
        help_text="The encoding was a guess that another encoding nearly tied with: check it.",
    )
    encoding_decision = models.JSONField(
        default=dict,
        blank=True,
        help_text="How the encoding was decided: {method, reason, alternatives}.",
    )
    text = models.TextField(
        help_text="Cleaned text that annotation offsets point into (Unicode code points). "
        "It never changes except through a new revision."
    )
    content_hash = models.CharField(max_length=64, unique=True, help_text="sha256 of text.")
    minhash = models.JSONField(default=list, blank=True, help_text="Near-duplicate signature.")
    near_duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="near_duplicates",
    )
    near_duplicate_similarity = models.FloatField(null=True, blank=True)
    removed_lines = models.JSONField(
        default=list,
        blank=True,
        help_text="Lines the cleaner removed: [{line_no, text, reason}], restorable.",
    )
    import_job = models.ForeignKey(
        "annotations.ImportJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    verdict_scale = models.ForeignKey(
        "annotations.VerdictScale", on_delete=models.PROTECT, related_name="articles"
    )
    status = models.CharField(
        max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.NEW, db_index=True
    )
    revision = models.PositiveIntegerField(default=1)
    published_verdicts_at = models.DateTimeField(
        null=True, blank=True, help_text="When the final verdicts were published."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["updated_at", "id"], name="article_sync_idx")]
        constraints = [
            # The backstop against stored XSS: the URL is rendered as the "Original" link.
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="article_url_http_only",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"Article {self.pk}"


class ArticleRevision(models.Model):
    """An earlier text of an article, kept when a changed version is imported."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=500, blank=True)
    raw = models.TextField()
    text = models.TextField()
    content_hash = models.CharField(max_length=64, db_index=True)
    import_job = models.ForeignKey(
        "annotations.ImportJob", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.article} r{self.number}"


class MinHashBand(models.Model):
    """One LSH band of an article's MinHash signature, so near duplicates are found by index.

    Articles sharing any band are candidates; their stored signatures decide the similarity.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="minhash_bands")
    band = models.PositiveSmallIntegerField()
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key"], name="minhash_band_key_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} band {self.band}"
