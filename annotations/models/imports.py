"""Import jobs and their items, and the feeds polled for new articles.

The database, not the broker, is the source of truth: a job's items are rows, each claimed
with a conditional UPDATE before it is processed, so that a job re-run after a worker died
imports every item exactly once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from annotations import roles
from annotations.services.links import validate_http_url


class JobKind(models.TextChoices):
    UPLOAD = "upload", "File upload"
    URLS = "urls", "URL list"
    FEED = "feed", "Feed poll"
    JSONL = "jsonl", "Bulk JSONL"
    COMMAND = "command", "Command line"
    SEED = "seed", "Demo seeds"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTLY_FAILED = "partly_failed", "Partly failed"
    FAILED = "failed", "Failed"


class ItemStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    IMPORTED = "imported", "Imported"
    DUPLICATE = "duplicate", "Duplicate"
    REVISED = "revised", "New revision"
    FAILED = "failed", "Failed"
    # A container (zip, JSONL file, feed) whose children were added to the job as items.
    EXPANDED = "expanded", "Expanded"


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: Any) -> ImportJobQuerySet:
        """Admins see every job; other users see the jobs they started."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if roles.is_admin(user):
            return self
        return self.filter(created_by=user)

    def unfinished(self) -> ImportJobQuerySet:
        return self.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])


class ImportJob(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    status = models.CharField(
        max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    label = models.CharField(max_length=300, blank=True, help_text="File name, feed or note.")
    source = models.CharField(max_length=200, blank=True, help_text="Outlet for all items.")
    options = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    seen = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    revised = models.PositiveIntegerField(default=0, help_text="Items that revised an article.")
    duplicates = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the whole job failed, if it did.")
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import #{self.pk} ({self.get_kind_display()}, {self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status not in (JobStatus.QUEUED, JobStatus.RUNNING)


class ImportItem(models.Model):
    """One input of a job: a file, a URL, a JSONL line or a feed entry."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=2000, help_text="File name, URL or 'file.jsonl:12'.")
    payload = models.BinaryField(null=True, blank=True, help_text="Uploaded bytes, if any.")
    metadata = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=ItemStatus.choices, default=ItemStatus.PENDING, db_index=True
    )
    article = models.ForeignKey(
        "annotations.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_items",
    )
    duplicate_of = models.ForeignKey(
        "annotations.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    similarity = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Refreshed every few seconds by the task working on the item: a running item whose
    # heartbeat (or claim) is older than IMPORT_CLAIM_STALE_SECONDS has no live worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="unique_item_position"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"


class Feed(models.Model):
    url = models.URLField(max_length=2000, unique=True, validators=[validate_http_url])
    title = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Outlet for its articles.")
    interval_minutes = models.PositiveIntegerField(default=60)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True)
    etag = models.CharField(max_length=300, blank=True)
    modified = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "url"]

    def __str__(self) -> str:
        return self.title or self.url


class FeedEntry(models.Model):
    """An entry seen in a feed, so that it is imported once however often the feed is polled."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(max_length=2000)
    url = models.URLField(max_length=2000, blank=True, validators=[validate_http_url])
    title = models.CharField(max_length=500, blank=True)
    seen_at = models.DateTimeField(auto_now_add=True)
    import_item = models.ForeignKey(
        ImportItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="unique_feed_entry"),
        ]

    def __str__(self) -> str:
        return self.title or self.guid
