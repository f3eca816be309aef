"""Check-worthiness: which sentences of an article are worth checking (temporary stand-in).

The coordinator's module replaces this file at merge; the interface stays exactly this.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class SuggestedSpan:
    start: int
    end: int  # code points in the given text
    tag: str  # "claim" | "denial" | "estimate"
    claimant: str  # "" when none found
    score: float  # 0..1 check-worthiness


_SENTENCE = re.compile(r"[^\n.!?]+(?:[.!?]+[\"”’']?|$)")
_NUMBER = re.compile(r"\d")
_DENIAL = re.compile(
    r"\b(denied|denies|deny|dismissed|rejected|refused|unfounded|groundless|contested|disputed)\b",
    re.I,
)
_ESTIMATE = re.compile(
    r"\b(estimate[sd]?|roughly|approximately|about|around|up to|some|nearly|more than)\b", re.I
)
_REPORT = re.compile(
    r"\b(said|says|confirmed|confirms|claimed|claims|stated|reported|acknowledged|admits|"
    r"announced|captured|sent|recruited|deployed|dispatched|accused)\b",
    re.I,
)
_CLAIMANT = re.compile(
    r"(?:according to|said|says|stated)\s+((?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,4})"
    r"|((?:[A-Z][\w’'-]*\s+){0,3}[A-Z][\w’'-]*)\s+(?:has\s+|have\s+|had\s+)?"
    r"(?:said|says|confirmed|claimed|stated|denied|reported|announced|acknowledged)"
)


def suggest_spans(text: str) -> list[SuggestedSpan]:
    spans: list[SuggestedSpan] = []
    for match in _SENTENCE.finditer(text):
        raw = match.group(0)
        lead = len(raw) - len(raw.lstrip())
        sentence = raw.strip()
        if len(sentence.split()) < 6:
            continue
        score = 0.2
        if _NUMBER.search(sentence):
            score += 0.25
        if _REPORT.search(sentence):
            score += 0.3
        if _DENIAL.search(sentence):
            score += 0.2
        if score < 0.5:
            continue
        if _DENIAL.search(sentence):
            tag = "denial"
        elif _ESTIMATE.search(sentence) and _NUMBER.search(sentence):
            tag = "estimate"
        else:
            tag = "claim"
        who = _CLAIMANT.search(sentence)
        claimant = ((who.group(1) or who.group(2)) if who else "") or ""
        start = match.start() + lead
        spans.append(
            SuggestedSpan(start, start + len(sentence), tag, claimant.strip(), min(score, 1.0))
        )
    return spans


def retrain(examples: list[tuple[str, bool]]) -> dict:
    folder = settings.CLAIMS_MODEL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    positives = sum(1 for _, ok in examples if ok)
    metrics = {"examples": len(examples), "positives": positives}
    (folder / "desk-model.json").write_text(json.dumps(metrics))
    return metrics
