"""Matching spans and sentences to claim groups across articles; results are stored.

Runs in the worker (claims.tasks) when an article is imported and when a span is saved:

* an imported article gets its suggested spans (claims.checkworthiness), and each one is
  matched against the claim index: at or above ``CLAIMS_AUTO_LINK_THRESHOLD`` it joins the
  best claim group, at or above ``CLAIMS_SUGGEST_THRESHOLD`` it starts its own group and a
  ``MatchCandidate`` proposes joining (people confirm or reject), below that it starts its
  own group;
* a saved annotation joins the group of the machine span it covers in its own article, or
  else becomes a candidate of the best group in other articles.

Only machine-made sentences feed the index, so what the index finds never depends on a
reviewer's unsubmitted spans (blind review). Pages and the API read the stored rows.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from annotations.models import ARTICLE_HEAVY_FIELDS, Annotation, Article
from claims import checkworthiness, quantities
from claims.models import (
    TAG_TO_STANCE,
    Claim,
    ClaimAppearance,
    LinkStatus,
    MatchCandidate,
    MatchingLock,
    Suggestion,
)
from claims.services import embeddings
from claims.services.textmatch import LexicalIndex, entities
from factcheck.lazy import numpy as np

log = logging.getLogger(__name__)

TOP_K = 20
FIGURE_BOOST = 0.3  # both sentences give a figure for the same counted noun
ENTITY_WEIGHT = 0.4
# Below this text similarity, shared names and figures alone never make a match.
MIN_EVIDENCE = 0.15
MIN_SUGGESTION_SCORE = 0.0
# Share of the lexical score in the fused score when sentence vectors are there.
LEXICAL_WEIGHT = 0.4


@dataclass(frozen=True)
class Match:
    claim_id: int
    appearance_id: int
    lexical: float
    semantic: float | None
    score: float


# --- the index (machine appearances only), cached per worker process ------------------------

_lock = threading.Lock()
# Built on first use: its document-frequency array (4 MB) has no place in a web process.
_index: LexicalIndex | None = None
# Sentence vectors of the same rows, packed (one float32 row per index row), when the model runs.
_dense: list[np.ndarray] = []
_max_id = 0


def _refresh_index() -> tuple[LexicalIndex, np.ndarray | None]:
    """Add the machine appearances stored since the last call (rows never change text)."""
    global _index, _max_id
    with _lock:
        if _index is None:
            _index = LexicalIndex()
        rows = list(
            ClaimAppearance.objects.filter(annotation__isnull=True, pk__gt=_max_id)
            .order_by("pk")
            .values_list("pk", "quote")
        )
        use_model = embeddings.encoder() is not None
        if rows:
            quotes = [quote for _, quote in rows]
            _index.add([pk for pk, _ in rows], quotes)
            if use_model:
                _dense.append(embeddings.encode(quotes))
            _max_id = rows[-1][0]
        if use_model and _dense and sum(len(d) for d in _dense) == len(_index):
            if len(_dense) > 1:
                _dense[:] = [np.vstack(_dense)]
            return _index, _dense[0]
        return _index, None


def reset_index() -> None:
    """Forget the cached index (tests use a fresh database per test)."""
    global _index, _max_id
    with _lock:
        _index = None
        _dense.clear()
        _max_id = 0


_FAMILY = {"soldier": "troop", "personnel": "troop", "force": "troop", "death": "dead"}


def _families(text: str) -> set[str]:
    """Noun families of the figures in ``text`` (troops and soldiers are one family)."""
    family = getattr(quantities, "noun_family", None) or (lambda noun: _FAMILY.get(noun, noun))
    return {family(q.noun) for q in quantities.extract_quantities(text) if q.noun}


def find_matches(
    texts: list[str],
    *,
    exclude_article_id: int | None = None,
    when: Any = None,
    limit: int = TOP_K,
) -> list[list[Match]]:
    """Best claim groups for each text, best first, after the time and entity filters."""
    index, dense = _refresh_index()
    if not texts or not len(index):
        return [[] for _ in texts]
    lexical = index.scores(texts)
    semantic = None
    if dense is not None:
        query = embeddings.encode(texts)
        semantic = None if query is None else np.clip(query @ dense.T, 0.0, 1.0)
    fused = (
        lexical if semantic is None else LEXICAL_WEIGHT * lexical + (1 - LEXICAL_WEIGHT) * semantic
    )
    k = min(limit, fused.shape[1])
    top = np.argpartition(-fused, k - 1, axis=1)[:, :k] if k else np.zeros((len(texts), 0), int)
    wanted = {index.keys[j] for row in top for j in row}
    meta = {
        row["pk"]: row
        for row in ClaimAppearance.objects.filter(pk__in=wanted)
        .select_related(None)
        .values("pk", "claim_id", "article_id", "date", "quote", "claim__merged_into_id")
    }
    window = timedelta(days=settings.CLAIMS_MATCH_WINDOW_DAYS)
    results: list[list[Match]] = []
    for i, text in enumerate(texts):
        best: dict[int, Match] = {}
        mine = entities(text)
        figures = _families(text)
        for j in top[i]:
            row = meta.get(index.keys[j])
            if row is None or row["article_id"] == exclude_article_id:
                continue
            if when is not None and row["date"] is not None and abs(row["date"] - when) > window:
                continue
            theirs = entities(row["quote"])
            if mine and theirs and not (mine & theirs):
                continue
            # Sentences about the same claim name the same things: the share of named things
            # in common separates "two Chinese nationals captured" from "North Korean troops".
            agreement = len(mine & theirs) / len(mine | theirs) if mine and theirs else 0.0
            score = float(fused[i, j])
            if score >= MIN_EVIDENCE:
                score = (1 - ENTITY_WEIGHT) * score + ENTITY_WEIGHT * agreement
            if score >= MIN_EVIDENCE and figures and figures & _families(row["quote"]):
                score += FIGURE_BOOST
            claim_id = row["claim__merged_into_id"] or row["claim_id"]
            match = Match(
                claim_id,
                row["pk"],
                float(lexical[i, j]),
                None if semantic is None else float(semantic[i, j]),
                min(score, 1.0),
            )
            if claim_id not in best or best[claim_id].score < match.score:
                best[claim_id] = match
        results.append(sorted(best.values(), key=lambda m: -m.score))
    return results


# --- jobs ----------------------------------------------------------------------------------


def _article_date(article: Article) -> Any:
    """The date the time filter uses; None (no filter) when the outlet gave none."""
    return article.published_at


def _take_lock() -> None:
    MatchingLock.objects.get_or_create(pk=1)
    MatchingLock.objects.select_for_update().get(pk=1)


def process_article(*, article_id: int) -> dict[str, int]:
    """Suggest spans for an imported article and link them into claim groups (idempotent).

    A second run finds the suggestions stored and does nothing new.
    """
    from claims.services.conflicts import detect_in_groups
    from claims.services.factchecks import match_earlier_checks

    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return {"suggestions": 0}
    spans = [
        s for s in checkworthiness.suggest_spans(article.text) if s.score >= MIN_SUGGESTION_SCORE
    ]
    with transaction.atomic():
        _take_lock()
        if Suggestion.objects.filter(article=article).exists():
            return {"suggestions": 0}
        suggestions = Suggestion.objects.bulk_create(
            Suggestion(
                article=article,
                start=s.start,
                end=s.end,
                quote=article.text[s.start : s.end],
                tag=s.tag if s.tag in TAG_TO_STANCE else "claim",
                claimant=s.claimant[:300],
                score=s.score,
            )
            for s in spans
            if 0 <= s.start < s.end <= len(article.text)
        )
        suggestions = list(Suggestion.objects.filter(article=article).order_by("start"))
        when = _article_date(article)
        matches = find_matches(
            [s.quote for s in suggestions], exclude_article_id=article.pk, when=when
        )
        touched: dict[int, set[int]] = {}
        new_claims: list[int] = []
        linked = candidates = 0
        for suggestion, found in zip(suggestions, matches, strict=True):
            best = found[0] if found else None
            appearance_fields = {
                "article": article,
                "start": suggestion.start,
                "end": suggestion.end,
                "quote": suggestion.quote,
                "suggestion": suggestion,
                "outlet": article.source,
                "claimant": suggestion.claimant,
                "date": when,
                "stance": TAG_TO_STANCE[suggestion.tag],
            }
            if best is not None and best.score >= settings.CLAIMS_AUTO_LINK_THRESHOLD:
                appearance, _ = ClaimAppearance.objects.get_or_create(
                    claim_id=best.claim_id,
                    article=article,
                    start=suggestion.start,
                    end=suggestion.end,
                    defaults={
                        **appearance_fields,
                        "status": LinkStatus.AUTO_LINKED,
                        "score": best.score,
                    },
                )
                _store_candidate(best, suggestion=suggestion, status=LinkStatus.AUTO_LINKED)
                touched.setdefault(best.claim_id, set()).add(appearance.pk)
                linked += 1
                continue
            claim = Claim.objects.create(canonical_text=suggestion.quote)
            ClaimAppearance.objects.create(
                claim=claim, status=LinkStatus.AUTO_LINKED, **appearance_fields
            )
            new_claims.append(claim.pk)
            for match in found[:3]:
                if match.score >= settings.CLAIMS_SUGGEST_THRESHOLD:
                    _store_candidate(match, suggestion=suggestion, status=LinkStatus.SUGGESTED)
                    candidates += 1
        detect_in_groups(touched)
        for claim_id in new_claims:
            match_earlier_checks(claim_id=claim_id)
    return {"suggestions": len(suggestions), "linked": linked, "candidates": candidates}


def process_import(*, job_id: int, after: int = 0, seconds: float | None = None) -> int | None:
    """Process the articles a batch import stored, in pk order after ``after``: suggestions
    and claim groups for each (``process_article``), then its imported spans
    (``process_annotation``). Articles that have suggestions already are skipped (their own
    task ran). Stops after about ``seconds`` (settings.CLAIMS_IMPORT_SLICE_SECONDS) and
    returns the last article done, for the caller to continue from; None when all are done.
    """
    budget = settings.CLAIMS_IMPORT_SLICE_SECONDS if seconds is None else seconds
    started = time.monotonic()
    pending = (
        Article.objects.filter(import_job_id=job_id, pk__gt=after)
        .exclude(claim_suggestions__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for article_id in pending.iterator(chunk_size=200):
        process_article(article_id=article_id)
        spans = Annotation.objects.alive().filter(article_id=article_id).order_by("pk")
        for annotation_id in spans.values_list("pk", flat=True):
            process_annotation(annotation_id=annotation_id)
        if time.monotonic() - started >= budget:
            return article_id
    return None


def _candidate(
    match: Match,
    *,
    status: str,
    suggestion: Suggestion | None = None,
    annotation: Annotation | None = None,
) -> MatchCandidate:
    """An unsaved candidate: ``match``'s group for a machine suggestion or a reviewer's span."""
    span = suggestion or annotation
    assert span is not None
    return MatchCandidate(
        claim_id=match.claim_id,
        article_id=span.article_id,
        start=span.start,
        end=span.end,
        quote=span.quote,
        suggestion=suggestion,
        annotation=annotation,
        lexical_score=match.lexical,
        semantic_score=match.semantic,
        score=match.score,
        status=status,
    )


def _store_candidate(match: Match, **span: Any) -> None:
    """Store ``_candidate(match, **span)`` unless the group has a candidate at that span."""
    MatchCandidate.objects.bulk_create([_candidate(match, **span)], ignore_conflicts=True)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(inter, 0) / max(min(a[1] - a[0], b[1] - b[0]), 1)


def process_annotation(*, annotation_id: int) -> str:
    """Place a saved span: in the group of the machine span it covers, or as a candidate."""
    annotation = (
        Annotation.objects.alive().select_related("article").filter(pk=annotation_id).first()
    )
    if annotation is None:
        return "gone"
    with transaction.atomic():
        _take_lock()
        changes = _Changes()
        outcome = _place(annotation, _Known.read([annotation]), changes)
        changes.apply()
        if outcome == "unmatched" and changes.found.get(annotation.pk):
            return "candidates"
        return outcome


@dataclass(frozen=True)
class _Known:
    """What placing a batch of spans reads, read once for the whole batch: each span's own
    appearance, if it has one, and the machine spans of their articles."""

    existing: dict[int, ClaimAppearance]  # annotation -> its appearance
    machine: dict[int, list[tuple[int, int, int]]]  # article -> (start, end, claim), in order

    @classmethod
    def read(cls, spans: list[Annotation]) -> _Known:
        existing: dict[int, ClaimAppearance] = {}
        rows = ClaimAppearance.objects.filter(annotation_id__in=[s.pk for s in spans])
        for appearance in rows.order_by("pk"):
            existing.setdefault(appearance.annotation_id, appearance)  # type: ignore[arg-type]
        machine: dict[int, list[tuple[int, int, int]]] = {}
        rows = ClaimAppearance.objects.filter(
            article_id__in={s.article_id for s in spans}, annotation__isnull=True
        )
        for article_id, start, end, claim_id, merged_into in rows.values_list(
            "article_id", "start", "end", "claim_id", "claim__merged_into_id"
        ):
            machine.setdefault(article_id, []).append((start, end, merged_into or claim_id))
        return cls(existing, machine)


@dataclass
class _Changes:
    """What placing spans changed: new appearances (unsaved, stored together by ``apply``) and
    the appearances changed in place, by claim group."""

    links: list[ClaimAppearance] = field(default_factory=list)
    touched: dict[int, set[int]] = field(default_factory=dict)
    # Spans no machine span covers: matched against the claim index in ``apply``, the spans
    # of one article in one call; the number of groups found for each, once matched.
    unmatched: list[Annotation] = field(default_factory=list)
    found: dict[int, int] = field(default_factory=dict)

    def add(self, other: _Changes) -> None:
        self.links += other.links
        self.unmatched += other.unmatched
        for claim_id, appearances in other.touched.items():
            self.touched.setdefault(claim_id, set()).update(appearances)

    def apply(self) -> None:
        """Store the new appearances in one statement (a span whose place is taken already,
        the same offsets in the same group, keeps the one stored, as ``get_or_create`` did),
        then look for conflicts in every group changed, between its changed appearances and
        the rest of the group."""
        from claims.services.conflicts import detect_in_groups

        if self.links:
            ClaimAppearance.objects.bulk_create(self.links, ignore_conflicts=True)
            stored = ClaimAppearance.objects.filter(
                annotation_id__in=[a.annotation_id for a in self.links]
            )
            for pk, claim_id in stored.values_list("pk", "claim_id"):
                self.touched.setdefault(claim_id, set()).add(pk)
        detect_in_groups(self.touched)
        self._match_unmatched()

    def _match_unmatched(self) -> None:
        """Candidates for the spans no machine span covers: the groups whose sentences read
        like them (other articles only), the best three above CLAIMS_SUGGEST_THRESHOLD, stored
        in one statement (a span's candidate stored already stays, as ``get_or_create``)."""
        by_article: dict[int, list[Annotation]] = {}
        for annotation in self.unmatched:
            by_article.setdefault(annotation.article_id, []).append(annotation)
        rows: list[MatchCandidate] = []
        for spans in by_article.values():
            article = spans[0].article
            results = find_matches(
                [a.quote for a in spans], exclude_article_id=article.pk, when=_article_date(article)
            )
            for annotation, found in zip(spans, results, strict=True):
                self.found[annotation.pk] = len(found)
                rows += [
                    _candidate(m, annotation=annotation, status=LinkStatus.SUGGESTED)
                    for m in found[:3]
                    if m.score >= settings.CLAIMS_SUGGEST_THRESHOLD
                ]
        MatchCandidate.objects.bulk_create(rows, ignore_conflicts=True)


def _place(annotation: Annotation, known: _Known, changes: _Changes) -> str:
    """process_annotation's work, with the matching lock held by the caller. A changed
    appearance is saved here; a new one is left in ``changes`` for ``_Changes.apply``."""
    article = annotation.article
    span = (annotation.start, annotation.end)
    existing = known.existing.get(annotation.pk)
    if existing is not None:
        changed = (existing.start, existing.end, existing.quote) != (*span, annotation.quote)
        stance = TAG_TO_STANCE.get(annotation.tag, existing.stance)
        if changed or existing.stance != stance or existing.claimant != annotation.claimant:
            existing.start, existing.end, existing.quote = *span, annotation.quote
            existing.stance, existing.claimant = stance, annotation.claimant
            existing.save(update_fields=["start", "end", "quote", "stance", "claimant"])
            changes.touched.setdefault(existing.claim_id, set()).add(existing.pk)
        return "updated"
    covering = [
        claim_id
        for start, end, claim_id in known.machine.get(article.pk, ())
        if _overlap(span, (start, end)) >= 0.5
    ]
    fields = {
        "article": article,
        "start": annotation.start,
        "end": annotation.end,
        "quote": annotation.quote,
        "annotation": annotation,
        "outlet": article.source,
        "claimant": annotation.claimant,
        "date": _article_date(article),
        "stance": TAG_TO_STANCE.get(annotation.tag, "asserts"),
    }
    if covering:
        changes.links.append(
            ClaimAppearance(
                claim_id=covering[0], status=LinkStatus.AUTO_LINKED, score=1.0, **fields
            )
        )
        return "linked"
    changes.unmatched.append(annotation)
    return "unmatched"  # until _Changes.apply has looked for candidates


PENDING_BATCH = 100


def _apply_or_log(changes: _Changes) -> None:
    """``changes.apply()`` for a batch; if it fails, each new appearance is stored alone, so
    one bad row costs its span only (logged), and conflicts are looked for where it worked."""
    try:
        with transaction.atomic():
            changes.apply()
        return
    except Exception:
        log.exception("Storing a batch of claim placements failed; storing them one by one.")
    alone = [(_Changes(links=[link]), link.annotation_id) for link in changes.links]
    alone += [(_Changes(unmatched=[a]), a.pk) for a in changes.unmatched]
    for single, annotation_id in alone:
        try:
            with transaction.atomic():
                single.apply()
        except Exception:
            log.exception("Claim placement failed for annotation %s.", annotation_id)
    try:
        with transaction.atomic():
            _Changes(touched=changes.touched).apply()
    except Exception:  # the placements stay; a later change of the group looks again
        log.exception("Conflict detection failed for claims %s.", sorted(changes.touched))


def process_pending(*, batch: int = PENDING_BATCH) -> dict[str, int]:
    """Place every span whose write asked for it (``claims_pending``; hooks.span_saving).

    A batch is read and placed under the matching lock, in one transaction: two drains
    running at once place no span twice (the second reads the marks the first cleared), and
    a mark is cleared only if the span is still at the version read (an edit committed
    meanwhile asks again). A span whose placement fails is logged and cleared, as a failed
    per-span task was, so that it cannot block the spans after it on every later run.
    Conflicts are looked for once per batch in each claim group it changed, between the
    appearances it added and the rest of the group.
    """
    placed = failed = 0
    after = 0
    while True:
        with transaction.atomic():
            _take_lock()
            spans = list(
                Annotation.objects.filter(claims_pending=True, pk__gt=after)
                .select_related("article")
                .defer(*(f"article__{name}" for name in ARTICLE_HEAVY_FIELDS))
                .order_by("pk")[:batch]
            )
            done = Q(pk__in=[])
            changes = _Changes()
            known = _Known.read(spans)
            for annotation in spans:
                try:
                    with transaction.atomic():  # a savepoint: a failure undoes this span only
                        if annotation.deleted_at is None:
                            mine = _Changes()
                            _place(annotation, known, mine)
                            changes.add(mine)
                    placed += 1
                    done |= Q(pk=annotation.pk, version=annotation.version)
                except Exception:
                    log.exception("Claim matching failed for annotation %s.", annotation.pk)
                    failed += 1
                    done |= Q(pk=annotation.pk)
            _apply_or_log(changes)
            if spans:
                Annotation.objects.filter(done).update(claims_pending=False)
        if len(spans) < batch:
            return {"placed": placed, "failed": failed}
        after = spans[-1].pk


def search_similar(*, text: str, limit: int = 10) -> list[Match]:
    """Claim groups whose sentences read like ``text`` (the "similar to this text" search)."""
    return [
        m
        for m in find_matches([text], limit=max(limit * 3, TOP_K))[0]
        if m.score >= settings.CLAIMS_SUGGEST_THRESHOLD
    ][:limit]
