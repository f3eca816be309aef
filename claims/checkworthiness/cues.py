"""Proposed tag (claim / denial / estimate) and claimant for a check-worthy sentence.

These are rules, not a model: they only pre-fill the reviewer's form, and the reviewer sees
and can change both before accepting. Each rule is covered by tests on seed sentences.
"""

from __future__ import annotations

import re

from claims.quantities import extract_quantities

_DENIAL = re.compile(
    r"\b(den(?:y|ies|ied|ying|ial)|dismiss(?:ed|es|ing)?\b|reject(?:ed|s|ing)?\b|refut(?:ed|es|ing)|"
    r"rebuff(?:ed)?|unfounded|groundless|baseless|fabricat(?:ed|ion)|no evidence|not true|untrue|"
    r"false(?:ly)?\b|fake news|nothing to do with)",
    re.IGNORECASE,
)
_ESTIMATE = re.compile(
    r"\b(estimat(?:e|es|ed|ing)|roughly|approximately|around|about|some|up to|as many as|"
    r"more than|at least|nearly|almost|projected|expected to|believed to|thought to|"
    r"assess(?:ed|ment)s?)\b",
    re.IGNORECASE,
)
_VERBS = (
    r"said|says|told|tells|confirmed|confirms|claimed|stated|reported|announced|announces|"
    r"denied|denies|noted|added|insisted|insists|estimated|estimate that|estimates that|"
    r"believe that|believe|praised|warned|wrote|argued|alleged|alleges|accused|acknowledged|"
    r"admitted|urged|dismissed|described|declared|asserted|disputed|thanked|suggest"
)
_ACCORDING = re.compile(
    r"\baccording to (?:a (?:statement|report) (?:from|by) )?(?:the )?"
    r"((?:[A-Z][\w’'.-]*|of|the|and)(?:\s+(?:[A-Z][\w’'.-]*|of|the|and|\([A-Z]+\)))*)"
)
_BEFORE_VERB = re.compile(rf"((?:[\w’'.()/-]+\s+){{0,8}})(?:{_VERBS})\b")
_AFTER_SAID = re.compile(r",\s*(?:said|says|according to)\s+((?:[A-Z][\w’'.-]*\s?){1,5})")
_CAPITALISED_RUN = re.compile(r"(?:[A-Z][\w’'.-]*(?:\s+(?:of|the|and|for)\s+|\s+|$))+")
_DETERMINERS = {"the", "a", "an", "its", "his", "her", "their", "that", "and", "but", "while", "as"}
_LEADING = {"however", "also", "meanwhile", "earlier", "later", "now", "so", "yet", "still"}
_TRAILING = {
    "also", "later", "previously", "then", "has", "have", "had", "recently", "repeatedly",
    "already", "reportedly", "publicly", "both",
}  # fmt: skip
_NOT_CLAIMANTS = {
    "it", "this", "that", "there", "which", "who", "he", "she", "they", "we", "i", "you",
    "reports", "report",
}  # fmt: skip


# A sentence that reports a claim and then, in a trailing clause, that someone dismissed it
# ("... reported that Pyongyang had sent 1,500 troops—a claim dismissed by North Korea") is the
# claim, not a denial: its claimant is the one who reported it.
_REPORTING = re.compile(
    r"\b(reported|said|says|confirmed|claimed|stated|announced|estimated?|told|according to)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[—–;]|, a claim\b|, which\b|, but\b", re.IGNORECASE)


def _denial_is_trailing(sentence: str, at: int) -> bool:
    head = sentence[:at]
    breaks = list(_CLAUSE_BREAK.finditer(head))
    return bool(breaks) and bool(_REPORTING.search(head[: breaks[-1].start()]))


def propose_tag(sentence: str) -> str:
    """A denial when the sentence denies, an estimate for hedged figures, else a claim."""
    denial = _DENIAL.search(sentence)
    if denial and not _denial_is_trailing(sentence, denial.start()):
        return "denial"
    quantities = extract_quantities(sentence)
    if any(q.hedge for q in quantities) or (quantities and _ESTIMATE.search(sentence)):
        return "estimate"
    return "claim"


def propose_claimant(sentence: str) -> str:
    """Who makes the claim, when the sentence says so ("" otherwise)."""
    match = _ACCORDING.search(sentence)
    if match:
        return _tidy(match.group(1))
    match = _AFTER_SAID.search(sentence)
    if match:
        return _tidy(match.group(1))
    for match in _BEFORE_VERB.finditer(sentence):
        phrase = match.group(1)
        # Only the part after the last clause break belongs to the subject.
        phrase = re.split(r"[,;:—–]\s|\bthat\s|\bafter\s|\bwhen\s|\bas\s|\bwhile\s", phrase)[-1]
        words = [w for w in phrase.split() if w]
        while words and (words[0].lower() in _DETERMINERS or words[0].lower() in _LEADING):
            words.pop(0)
        while words and words[-1].lower() in _TRAILING:
            words.pop()
        if not words or len(words) > 6 or words[-1].lower() in _NOT_CLAIMANTS:
            continue
        if words[0].lower() in _NOT_CLAIMANTS | {"these", "those", "there", "this"}:
            continue
        if words[0][0].islower() and len(words) > 3 and not any(w[0].isupper() for w in words):
            continue
        return _tidy(" ".join(words))
    return ""


def _tidy(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" ,.;:’'\"")
    words = name.split(" ")
    while words and words[0].lower() in _DETERMINERS | {"of", "on", "in"}:
        words.pop(0)
    while words and words[-1].lower() in {"of", "the", "and", "for", "on", "in"}:
        words.pop()
    return " ".join(words)
