"""Sentence boundaries in cleaned article text, as code-point offsets."""

from __future__ import annotations

import re

# Words whose trailing period does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "rep", "sen", "gov", "gen", "lt", "col", "maj", "capt", "sgt",
    "adm", "cmdr", "pres", "st", "jr", "sr", "rev", "hon", "no", "vs", "etc", "inc", "corp", "co",
    "ltd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.g", "i.e", "approx", "est", "dept", "fig", "a.m", "p.m",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9À-ÖØ-Þ])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.?[\"”’')\]]*$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence; paragraphs (lines) never share a sentence."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        cursor = 0
        for match in _BOUNDARY.finditer(line):
            head = line[cursor : match.start() + 1]
            before = _WORD_BEFORE.search(head)
            word = before.group(1).lower().rstrip(".") if before else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue  # "Rep. Omar", "Kim J. Un"
            end = match.end()
            _add(spans, line, line_start, cursor, end)
            cursor = end
        _add(spans, line, line_start, cursor, len(line))
    return spans


def _add(spans: list[tuple[int, int]], line: str, offset: int, start: int, end: int) -> None:
    piece = line[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    spans.append((offset + start + lead, offset + start + lead + len(stripped)))
