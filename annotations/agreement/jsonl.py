"""Parse a JSONL file of spans and build the full agreement report.

One JSON object per line::

    {"article": "a1", "reviewer": "r1", "start": 0, "end": 12, "tag": "claim",
     "verdict": "false", "text_length": 5000}

``article`` and ``reviewer`` are strings or integers; ``start``/``end`` are integers with
``0 <= start < end`` (``end`` exclusive); ``tag`` a non-empty string; ``verdict`` optional
(string or null); ``text_length`` optional (integer >= every ``end`` of the article, the same
on every line of that article). Blank lines are skipped. Any other problem raises
:class:`AgreementInputError` with the 1-based line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypedDict

from .report import article_report, corpus_report
from .spans import Span


class AgreementInputError(ValueError):
    """A malformed input line; ``line_no`` is 1-based."""

    def __init__(self, line_no: int, message: str) -> None:
        super().__init__(f"line {line_no}: {message}")
        self.line_no = line_no
        self.message = message


class ParsedArticle(TypedDict):
    article: str
    text_length: int | None
    spans: list[Span]


def _int(obj: Mapping[str, Any], key: str, line_no: int, *, required: bool = True) -> int | None:
    if key not in obj or obj[key] is None:
        if required:
            raise AgreementInputError(line_no, f"missing required field {key!r}")
        return None
    v = obj[key]
    if isinstance(v, bool) or not isinstance(v, int):
        raise AgreementInputError(line_no, f"{key!r} must be an integer, got {v!r}")
    if v < 0:
        raise AgreementInputError(line_no, f"{key!r} must be >= 0, got {v}")
    return v


def _ident(obj: Mapping[str, Any], key: str, line_no: int) -> str:
    if key not in obj:
        raise AgreementInputError(line_no, f"missing required field {key!r}")
    v = obj[key]
    if isinstance(v, bool) or not isinstance(v, (str, int)) or v == "":
        raise AgreementInputError(line_no, f"{key!r} must be a non-empty string or an integer")
    return str(v)


def parse_jsonl(lines: Iterable[str]) -> dict[str, ParsedArticle]:
    """Parse JSONL lines into articles (in first-seen order), validating every line."""
    articles: dict[str, ParsedArticle] = {}
    max_end: dict[str, tuple[int, int]] = {}  # article -> (largest end, its line)
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AgreementInputError(line_no, f"invalid JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise AgreementInputError(line_no, "expected a JSON object")
        article = _ident(obj, "article", line_no)
        reviewer = _ident(obj, "reviewer", line_no)
        start = _int(obj, "start", line_no)
        end = _int(obj, "end", line_no)
        assert start is not None and end is not None
        if end <= start:
            raise AgreementInputError(
                line_no, f"'end' ({end}) must be greater than 'start' ({start})"
            )
        tag = obj.get("tag")
        if not isinstance(tag, str) or not tag:
            raise AgreementInputError(line_no, "'tag' must be a non-empty string")
        verdict = obj.get("verdict")
        if verdict is not None and not isinstance(verdict, str):
            raise AgreementInputError(line_no, "'verdict' must be a string or null")
        text_length = _int(obj, "text_length", line_no, required=False)
        art = articles.setdefault(article, {"article": article, "text_length": None, "spans": []})
        if text_length is not None:
            if art["text_length"] is not None and art["text_length"] != text_length:
                raise AgreementInputError(
                    line_no,
                    f"text_length {text_length} differs from {art['text_length']} given earlier "
                    f"for article {article!r}",
                )
            art["text_length"] = text_length
        if end > max_end.get(article, (-1, 0))[0]:
            max_end[article] = (end, line_no)
        if art["text_length"] is not None and max_end[article][0] > art["text_length"]:
            bad_end, bad_line = max_end[article]
            raise AgreementInputError(
                max(line_no, bad_line),
                f"span end {bad_end} is beyond text_length {art['text_length']} "
                f"of article {article!r}",
            )
        art["spans"].append(Span(reviewer, start, end, tag, verdict))
    return articles


def report_from_jsonl(
    source: str | Path | Iterable[str],
    *,
    scale: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """``{"articles": [article reports...], "corpus": corpus report}`` for a JSONL source.

    ``source`` is a path or an iterable of lines. If an article has no ``text_length``, the
    largest span end is used and the article report's ``notes`` say so.
    """
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8") as fh:
            parsed = parse_jsonl(fh)
    else:
        parsed = parse_jsonl(source)
    reports = [
        article_report(a["spans"], a["text_length"], scale=scale, article=a["article"])
        for a in parsed.values()
    ]
    return {"articles": reports, "corpus": corpus_report(reports, scale=scale)}
