"""Reviewers' work: assignments (a reviewer's task on an article) and annotations (spans)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from annotations import roles


class Tag(models.TextChoices):
    CLAIM = "claim", "Claim"
    DENIAL = "denial", "Denial"
    ESTIMATE = "estimate", "Estimate"


class AnnotationState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class AnnotationKind(models.TextChoices):
    REVIEW = "review", "Reviewer's annotation"
    FINAL = "final", "Final (adjudicated)"


class ClaimantType(models.TextChoices):
    """What the claimant is, as a reviewer said (blank: not said; never guessed)."""

    UNKNOWN = "", "Unknown"
    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organization"


class AnchorStatus(models.TextChoices):
    """How an annotation was placed on the current text after a revision."""

    EXACT = "exact", "Exact"
    MOVED = "moved", "Moved"
    FUZZY = "fuzzy", "Fuzzy (to confirm)"
    ORPHANED = "orphaned", "Orphaned (to fix)"


class AssignmentStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class Assignment(models.Model):
    """A reviewer's task on one article: assigned by an admin, or self-started in open mode."""

    article = models.ForeignKey(
        "annotations.Article", on_delete=models.PROTECT, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the reviewer started the article themselves.",
    )
    active = models.BooleanField(default=True, help_text="Off once unassigned.")
    status = models.CharField(
        max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.NEW
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "reviewer"], name="one_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.article_id} ({self.status})"


class AnnotationQuerySet(models.QuerySet["Annotation"]):
    def alive(self) -> AnnotationQuerySet:
        return self.filter(deleted_at__isnull=True)

    def reviews(self) -> AnnotationQuerySet:
        return self.filter(kind=AnnotationKind.REVIEW)

    def finals(self) -> AnnotationQuerySet:
        return self.filter(kind=AnnotationKind.FINAL)

    def published_verdicts(self) -> AnnotationQuerySet:
        """Official verdicts anyone may read: live finals with a verdict on a published
        article (what the public verdict pages and the ClaimReview export show)."""
        return self.alive().finals().filter(verdict__isnull=False, article__status="published")

    def visible_to(self, user: Any) -> AnnotationQuerySet:
        """Annotations (including soft-deleted tombstones) this user may see.

        Adjudicators and admins see everything. A reviewer sees their own work; other
        reviewers' work on an article only once they submitted that article themselves
        (blind review) or when blind review is off; and final verdicts once published or
        once they submitted the article.
        """
        from annotations.models.articles import Article

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if roles.is_adjudicator(user):
            return self
        if not roles.is_reviewer(user):
            return self.none()
        articles = Article.objects.visible_to(user).values("pk")
        submitted = Assignment.objects.filter(
            reviewer=user, status=AssignmentStatus.SUBMITTED
        ).values("article_id")
        own = Q(reviewer=user, kind=AnnotationKind.REVIEW)
        final = Q(kind=AnnotationKind.FINAL) & (
            Q(article__status="published") | Q(article_id__in=submitted)
        )
        if settings.FACTCHECK_BLIND_REVIEW:
            others = Q(kind=AnnotationKind.REVIEW, article_id__in=submitted)
        else:
            others = Q(kind=AnnotationKind.REVIEW)
        return self.filter(article_id__in=articles).filter(own | final | others)


class Annotation(models.Model):
    """A highlighted span by one reviewer (or, kind=final, the adjudicated result).

    ``start``/``end`` are offsets in Unicode code points of ``article.text``, half-open, and
    ``article.text[start:end] == quote`` for every annotation that is not orphaned.
    """

    article = models.ForeignKey(
        "annotations.Article", on_delete=models.PROTECT, related_name="annotations"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    kind = models.CharField(
        max_length=10, choices=AnnotationKind.choices, default=AnnotationKind.REVIEW
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    tag = models.CharField(max_length=10, choices=Tag.choices)
    verdict = models.ForeignKey(
        "annotations.VerdictLabel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="annotations",
    )
    claimant = models.CharField(max_length=300, blank=True, help_text="Who made the claim.")
    claimant_type = models.CharField(
        max_length=12,
        choices=ClaimantType.choices,
        blank=True,
        default=ClaimantType.UNKNOWN,
        help_text="person or organization as the reviewer set it; blank: unknown.",
    )
    note = models.TextField(blank=True)
    evidence_urls = models.JSONField(default=list, blank=True)
    state = models.CharField(
        max_length=10, choices=AnnotationState.choices, default=AnnotationState.DRAFT
    )
    # Adjudication: the final annotation records what it was based on and why.
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rationale = models.TextField(blank=True)
    # Re-anchoring after a text revision.
    anchor_status = models.CharField(
        max_length=10, choices=AnchorStatus.choices, default=AnchorStatus.EXACT
    )
    anchor_score = models.FloatField(null=True, blank=True)
    needs_attention = models.BooleanField(
        default=False, db_index=True, help_text="Fuzzy or orphaned anchor to confirm or fix."
    )
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Set in the same write as the span (claims.services.hooks.span_saving), cleared by the
    # worker once the claims app has placed this version: the follow-up work is committed
    # with the span, so the debounced task that does it can neither lose nor double it.
    claims_pending = models.BooleanField(default=False)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start", "end", "pk"]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="annotation_sync_idx"),
            models.Index(fields=["article", "reviewer"], name="annotation_article_rev_idx"),
            models.Index(
                fields=["id"], condition=Q(claims_pending=True), name="annotation_claims_pending"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="annotation_start_nonneg"),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="annotation_nonempty"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="annotation_version_pos"),
            models.CheckConstraint(
                condition=Q(claimant_type__in=ClaimantType.values),
                name="annotation_claimant_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tag} [{self.start}:{self.end}] {self.quote[:40]}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
