"""Reviewers' answers to suggested spans: accept (a normal annotation), adjust, reject; retrain.

A suggestion is machine-made from the article text alone. Each reviewer decides for
themselves; accepting goes through ``annotations.services.annotating.create_annotation``, so
the result is an ordinary annotation of that reviewer with every rule of annotating.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from annotations import roles
from annotations.models import Annotation, Article, Via
from annotations.services import annotating
from annotations.services.annotating import AnnotationError, NotAllowed
from claims import checkworthiness
from claims.models import Decision, Suggestion, SuggestionDecision

# An adjusted span may reach this far outside the suggested sentence.
ADJUST_SLACK = 200


def suggestions_for(*, user: Any, article: Article) -> list[dict[str, Any]]:
    """The article's suggestions with this reviewer's own decision (nobody else's)."""
    mine = {
        d.suggestion_id: d
        for d in SuggestionDecision.objects.filter(reviewer=user, suggestion__article=article)
    }
    out = []
    for s in Suggestion.objects.filter(article=article).order_by("start"):
        if article.text[s.start : s.end] != s.quote:
            continue  # made for an earlier revision of the text
        decision = mine.get(s.pk)
        out.append(
            {
                "id": s.pk,
                "start": s.start,
                "end": s.end,
                "quote": s.quote,
                "tag": s.tag,
                "claimant": s.claimant,
                "score": round(s.score, 3),
                "decision": decision.decision if decision else None,
                "annotation": decision.annotation_id if decision else None,
            }
        )
    return out


def visible_suggestions(user: Any) -> QuerySet[Suggestion]:
    """Suggestions of the articles the user may open."""
    if not roles.is_reviewer(user):
        return Suggestion.objects.none()
    return Suggestion.objects.filter(article_id__in=Article.objects.visible_to(user).values("pk"))


def _locate(article: Article, suggestion: Suggestion, quote: str) -> tuple[int, int]:
    """Offsets of an adjusted quote, searched near the suggested span."""
    lo = max(0, suggestion.start - ADJUST_SLACK)
    window = article.text[lo : suggestion.end + ADJUST_SLACK]
    at = window.find(quote, max(0, suggestion.start - lo - len(quote)))
    if at < 0:
        at = window.find(quote)
    if at < 0:
        raise AnnotationError(
            "The adjusted text is not in the article near the suggested span; select text "
            "from the article.",
            field="quote",
        )
    return lo + at, lo + at + len(quote)


@transaction.atomic
def accept_suggestion(
    *,
    user: Any,
    suggestion: Suggestion,
    tag: Any = None,
    claimant: Any = None,
    quote: Any = None,
    verdict: Any = None,
    via: Via | str = Via.UI,
) -> Annotation:
    """Turn a suggestion into the reviewer's own annotation (optionally adjusted)."""
    suggestion = Suggestion.objects.select_related("article").get(pk=suggestion.pk)
    article = suggestion.article
    if SuggestionDecision.objects.filter(suggestion=suggestion, reviewer=user).exists():
        raise AnnotationError("You already answered this suggestion.")
    start, end, text = suggestion.start, suggestion.end, suggestion.quote
    adjusted = False
    if quote not in (None, "") and quote != suggestion.quote:
        if not isinstance(quote, str):
            raise AnnotationError("quote must be text.", field="quote")
        start, end = _locate(article, suggestion, quote)
        text, adjusted = quote, True
    final_tag = suggestion.tag if tag in (None, "") else tag
    final_claimant = suggestion.claimant if claimant is None else claimant
    adjusted = adjusted or final_tag != suggestion.tag or final_claimant != suggestion.claimant
    annotation = annotating.create_annotation(
        user=user,
        article=article,
        start=start,
        end=end,
        quote=text,
        tag=final_tag,
        claimant=final_claimant,
        verdict=verdict,
        note="",
        via=via,
    )
    try:
        with transaction.atomic():
            SuggestionDecision.objects.create(
                suggestion=suggestion,
                reviewer=user,
                decision=Decision.ADJUSTED if adjusted else Decision.ACCEPTED,
                annotation=annotation,
            )
    except IntegrityError:
        raise AnnotationError("You already answered this suggestion.") from None
    return annotation


@transaction.atomic
def reject_suggestion(*, user: Any, suggestion: Suggestion) -> SuggestionDecision:
    if not roles.is_reviewer(user):
        raise NotAllowed("Only reviewers answer suggestions.")
    decision, created = SuggestionDecision.objects.get_or_create(
        suggestion=suggestion, reviewer=user, defaults={"decision": Decision.REJECTED}
    )
    if not created and decision.decision != Decision.REJECTED:
        raise AnnotationError(
            "You accepted this suggestion already; delete the annotation instead."
        )
    return decision


def training_examples() -> list[tuple[str, bool]]:
    """(sentence, check-worthy?) from every decision: accepted or adjusted is a yes."""
    return [
        (quote, decision != Decision.REJECTED)
        for quote, decision in SuggestionDecision.objects.values_list(
            "suggestion__quote", "decision"
        ).order_by("pk")
    ]


def retrain_from_decisions() -> dict:
    """Retrain the desk's check-worthiness model from the stored decisions."""
    examples = training_examples()
    if not examples:
        return {"examples": 0, "skipped": "no decisions yet"}
    return checkworthiness.retrain(examples)
