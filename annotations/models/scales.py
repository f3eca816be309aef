"""Verdict scales: configurable sets of labels a reviewer picks a verdict from."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class VerdictScaleQuerySet(models.QuerySet["VerdictScale"]):
    def default(self) -> VerdictScale:
        """The scale new articles get: the one flagged default, else the configured slug."""
        scale = self.filter(is_default=True).first()
        if scale is None:
            scale = self.filter(slug=settings.FACTCHECK_DEFAULT_SCALE).first()
        if scale is None:
            scale = self.order_by("pk").first()
        if scale is None:
            raise VerdictScale.DoesNotExist("No verdict scale exists; run migrations.")
        return scale


class VerdictScale(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    is_ordered = models.BooleanField(
        default=True,
        help_text="Labels have an order from false (low) to true (high); ordinal agreement "
        "statistics and ClaimReview ratings use it.",
    )
    is_default = models.BooleanField(default=False, help_text="New articles use this scale.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VerdictScaleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_verdict_scale",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rateable_ordinals(self) -> tuple[int, int] | None:
        """(worst, best) ordinal of the rateable labels, as ClaimReview's worst/bestRating."""
        values = [
            label.ordinal
            for label in self.labels.all()
            if label.is_rateable and label.ordinal is not None
        ]
        return (min(values), max(values)) if values else None


class VerdictLabel(models.Model):
    scale = models.ForeignKey(VerdictScale, on_delete=models.CASCADE, related_name="labels")
    slug = models.SlugField()
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    ordinal = models.IntegerField(
        null=True,
        blank=True,
        help_text="Position on an ordered scale; higher means truer. Empty for labels "
        "outside the order, such as 'unverifiable'.",
    )
    is_rateable = models.BooleanField(
        default=True,
        help_text="Off for labels that are not a truth rating (e.g. 'needs context').",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Display order.")

    class Meta:
        ordering = ["scale", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "slug"], name="unique_label_slug_per_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.scale.slug}:{self.slug}"
