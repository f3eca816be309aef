"""Claims across articles: groups of spans that state the same thing, and what we know of them.

Everything here is machine-made from the article texts (suggested spans, sentence matches)
or made by a person through claims.services. A reviewer's own annotation enters a claim group
only through an appearance that points at it, and every read checks that the annotation is
visible to the reader (blind review), see ``visible_to``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from annotations import roles


class Stance(models.TextChoices):
    ASSERTS = "asserts", "Asserts"
    DENIES = "denies", "Denies"
    ESTIMATES = "estimates", "Estimates"


TAG_TO_STANCE = {"claim": Stance.ASSERTS, "denial": Stance.DENIES, "estimate": Stance.ESTIMATES}


class LinkStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    AUTO_LINKED = "auto_linked", "Auto-linked"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class Decision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    ADJUSTED = "adjusted", "Accepted with changes"
    REJECTED = "rejected", "Rejected"


class ConflictKind(models.TextChoices):
    FIGURES = "figures", "Figures that cannot both be true"
    STANCE = "stance", "Claim and denial"


class ConflictStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


def _visible_annotation_ids(user: Any) -> models.QuerySet[Any]:
    from annotations.models import Annotation

    return Annotation.objects.visible_to(user).alive().values("pk")


class ClaimQuerySet(models.QuerySet["Claim"]):
    def live(self) -> ClaimQuerySet:
        """Claims not merged into another one."""
        return self.filter(merged_into__isnull=True)

    def visible_to(self, user: Any) -> ClaimQuerySet:
        """Claims with at least one appearance the user may see (see ClaimAppearance)."""
        if not roles.is_reviewer(user):
            return self.none()
        if roles.is_adjudicator(user):
            return self
        return self.filter(pk__in=ClaimAppearance.objects.visible_to(user).values("claim_id"))


class Claim(models.Model):
    """One claim, as stated (asserted, denied, estimated) in any number of articles."""

    canonical_text = models.TextField(help_text="The claim in one neutral sentence.")
    verdict = models.ForeignKey(
        "annotations.VerdictLabel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    rationale = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    # Packed float32 sentence embedding of the canonical text (empty on the lexical path).
    embedding = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(verdict__isnull=False),
                name="claim_published_has_verdict",
            ),
        ]

    def __str__(self) -> str:
        return self.canonical_text[:80]


class SpanRowQuerySet(models.QuerySet[Any]):
    """Rows that rest on an article span and perhaps a person's annotation (appearances and
    match candidates): one visibility rule for both."""

    def visible_to(self, user: Any) -> Any:
        """Rows a user may see.

        Machine-made rows (an article sentence, no annotation) are visible to anyone who may
        open the article. A row resting on a person's annotation is visible only when that
        annotation is (blind review): a reviewer never learns another reviewer's unsubmitted
        spans through a claim group or a match.
        """
        from annotations.models import Article

        if not roles.is_reviewer(user):
            return self.none()
        if roles.is_adjudicator(user):
            # A span its reviewer deleted no longer states the claim.
            return self.filter(Q(annotation__isnull=True) | Q(annotation__deleted_at__isnull=True))
        return self.filter(article_id__in=Article.objects.visible_to(user).values("pk")).filter(
            Q(annotation__isnull=True) | Q(annotation_id__in=_visible_annotation_ids(user))
        )


class AppearanceQuerySet(SpanRowQuerySet):
    pass


class ClaimAppearance(models.Model):
    """Where a claim is stated: an article span, with outlet, claimant, date and stance."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    article = models.ForeignKey(
        "annotations.Article", on_delete=models.CASCADE, related_name="claim_appearances"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    annotation = models.ForeignKey(
        "annotations.Annotation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claim_appearances",
    )
    suggestion = models.ForeignKey(
        "claims.Suggestion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appearances",
    )
    outlet = models.CharField(max_length=200, blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    date = models.DateTimeField(null=True, blank=True)
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.ASSERTS)
    status = models.CharField(
        max_length=12, choices=LinkStatus.choices, default=LinkStatus.AUTO_LINKED
    )
    score = models.FloatField(null=True, blank=True, help_text="Match score when linked.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppearanceQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "date", "article", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "article", "start", "end"], name="one_appearance_per_span"
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appearance_span"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} in {self.article_id} [{self.start}:{self.end}]"


class CandidateQuerySet(SpanRowQuerySet):
    pass


class MatchCandidate(models.Model):
    """A stored match between a span and a claim group, with its scores (never recomputed)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="candidates")
    article = models.ForeignKey(
        "annotations.Article", on_delete=models.CASCADE, related_name="claim_candidates"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    annotation = models.ForeignKey(
        "annotations.Annotation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggestion = models.ForeignKey(
        "claims.Suggestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lexical_score = models.FloatField()
    semantic_score = models.FloatField(null=True, blank=True)
    score = models.FloatField(help_text="Fused score the thresholds apply to.")
    status = models.CharField(max_length=12, choices=LinkStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "article", "start", "end"], name="one_candidate_per_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} ~ {self.article_id} [{self.start}:{self.end}] {self.score:.2f}"


class Suggestion(models.Model):
    """A machine-suggested check-worthy span of one article (never a reviewer's annotation)."""

    article = models.ForeignKey(
        "annotations.Article", on_delete=models.CASCADE, related_name="claim_suggestions"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    tag = models.CharField(max_length=10)
    claimant = models.CharField(max_length=300, blank=True)
    score = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "start", "end"]
        constraints = [
            models.UniqueConstraint(fields=["article", "start", "end"], name="one_suggestion_span"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="suggestion_span"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} [{self.start}:{self.end}] {self.tag} {self.score:.2f}"


class SuggestionDecision(models.Model):
    """One reviewer's answer to one suggestion; each reviewer decides for themselves."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="decisions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestion_decisions"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    annotation = models.ForeignKey(
        "annotations.Annotation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "reviewer"], name="one_decision_per_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} {self.decision} {self.suggestion_id}"


class EarlierFactCheck(models.Model):
    """A fact-check published earlier (ours or another desk's), imported by an admin."""

    claim_text = models.TextField()
    rating = models.CharField(max_length=200)
    url = models.URLField(max_length=2000)
    publisher = models.CharField(max_length=200, blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    date = models.DateField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["url", "claim_text"], name="one_fact_check_per_url"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}: {self.claim_text[:60]}"


class EarlierCheckMatch(models.Model):
    """A claim that an earlier fact-check already covered ("already checked")."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="earlier_checks")
    fact_check = models.ForeignKey(EarlierFactCheck, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "fact_check"], name="one_earlier_match"),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} ~ fact-check {self.fact_check_id} ({self.score:.2f})"


class ConflictQuerySet(models.QuerySet["FigureConflict"]):
    def open(self) -> ConflictQuerySet:
        return self.filter(status=ConflictStatus.OPEN)

    def visible_to(self, user: Any) -> ConflictQuerySet:
        """Conflicts whose two appearances the user may both see."""
        visible = ClaimAppearance.objects.visible_to(user).values("pk")
        return self.filter(first_id__in=visible, second_id__in=visible)


class FigureConflict(models.Model):
    """Two appearances of one claim that cannot both be true: figures, or claim vs denial."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="conflicts")
    kind = models.CharField(max_length=10, choices=ConflictKind.choices)
    first = models.ForeignKey(ClaimAppearance, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(ClaimAppearance, on_delete=models.CASCADE, related_name="+")
    first_figure = models.CharField(max_length=200, blank=True)
    second_figure = models.CharField(max_length=200, blank=True)
    detail = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConflictQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "first", "second", "first_figure", "second_figure"],
                name="one_conflict_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} in claim {self.claim_id}: {self.first_figure} / {self.second_figure}"


class MatchingLock(models.Model):
    """A single row locked while a job changes claim groups, so two workers never race.

    (SQLite serialises writers anyway; on PostgreSQL ``select_for_update`` on this row does.)
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "claims matching lock"
