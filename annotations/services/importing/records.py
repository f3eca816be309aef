"""Import records with spans: our JSONL, doccano JSONL and Label Studio tasks.

A record becomes an article draft (cleaned like any JSONL line) plus the spans it carries,
already placed on the *cleaned* text. Offsets in the files are Unicode code points of the
text as given in the file. Cleaning may change that text (line ends, invisible characters,
boilerplate lines): spans are then moved with the re-anchoring of text revisions
(annotations.text.anchoring), from the text in the file to the cleaned text, and a span that
cannot be placed exactly (fuzzy or orphaned) is rejected with a reason, never stored on the
wrong text.

Formats (detected per record):

* ours:     {"text" | "html", "url", "title", ..., "spans": [{start, end, tag, quote?, verdict?,
            claimant?, claimant_type?, note?, evidence_urls?, reviewer?}]}
* doccano:  {"text", "label": [[start, end, "CLAIM"], ...]}  or  {"text", "entities":
            [{"start_offset", "end_offset", "label"}]}
* Label Studio: {"data": {"text", ...}, "annotations": [{"completed_by", "result": [...]}],
            "predictions": [{"result": [...]}]} with results {"type": "labels", "value":
            {"start", "end", "text", "labels": ["Claim"]}}

Nothing here touches the database: owners are resolved by the bulk span service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotations.models import Tag
from annotations.text.anchoring import Anchor, context_for, reanchor_all

from . import sources
from .sources import ArticleDraft, ItemError

MAX_SPANS_PER_RECORD = 5000
SPAN_FIELDS = ("verdict", "claimant", "claimant_type", "note", "evidence_urls")
_TAGS = {value.casefold(): value for value in Tag.values} | {
    label.casefold(): value for value, label in Tag.choices
}


@dataclass
class SpanSpec:
    """One span of a record, placed on the cleaned text (start/end/quote) or rejected."""

    number: int  # 1-based, in the order of the file, for messages
    start: int
    end: int
    quote: str
    tag: str
    reviewer: str = ""  # a username or e-mail named in the file; "" when none
    prediction: bool = False  # Label Studio prediction (machine pre-annotation)
    fields: dict[str, Any] = field(default_factory=dict)  # SPAN_FIELDS given in the file


@dataclass
class ParsedRecord:
    draft: ArticleDraft
    spans: list[SpanSpec] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # per-span reasons, shown on the item
    format: str = "ours"


def parse_record(name: str, data: bytes) -> ParsedRecord:
    """Parse, clean and place the spans of one JSONL line / JSON element. ItemError if unusable."""
    record = sources.parse_jsonl_line(name, data)
    if isinstance(record.get("data"), dict):
        return _label_studio(name, record)
    raw_spans: list[dict[str, Any]] = []
    problems: list[str] = []
    fmt = "ours"
    if "spans" in record:
        spans = record.pop("spans")
        if not isinstance(spans, list):
            raise ItemError(f'{name}: "spans" must be a list of objects.')
        raw_spans = spans
    elif "entities" in record or isinstance(record.get("label"), list):
        fmt = "doccano"
        raw_spans, problems = _doccano_spans(record)
    return _finish(name, record, raw_spans, problems, fmt)


def _doccano_spans(record: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    out: list[dict[str, Any]] = []
    problems: list[str] = []
    entities = record.pop("entities", None)
    labels = record.pop("label", None)
    if isinstance(entities, list):
        for entity in entities:
            if not isinstance(entity, dict):
                out.append({"_invalid": "an entity must be an object"})
                continue
            out.append(
                {
                    "start": entity.get("start_offset"),
                    "end": entity.get("end_offset"),
                    "tag": entity.get("label"),
                }
            )
    if isinstance(labels, list):
        for label in labels:
            if isinstance(label, list | tuple) and len(label) == 3:
                out.append({"start": label[0], "end": label[1], "tag": label[2]})
            elif isinstance(label, str):
                problems.append(f"document label {label!r} ignored (only span labels import)")
            else:
                out.append({"_invalid": "a label must be [start, end, name]"})
    return out, problems


def _label_studio(name: str, task: dict[str, Any]) -> ParsedRecord:
    data = task["data"]
    text = data.get("text")
    if not isinstance(text, str):
        strings = [v for v in data.values() if isinstance(v, str) and len(v) > 40]
        if not strings:
            raise ItemError(f'{name}: the Label Studio task has no "data.text" string.')
        text = strings[0]
    record = {
        "text": text,
        "title": data.get("title") or "",
        "url": data.get("url") or "",
        "source": data.get("source") or "",
        "source_id": data.get("source_id") or data.get("id") or "",
        "author": data.get("author") or "",
        "published": data.get("published") or "",
    }
    raw_spans: list[dict[str, Any]] = []
    problems: list[str] = []
    for kind in ("annotations", "predictions"):
        for entry in task.get(kind) or []:
            if not isinstance(entry, dict) or entry.get("was_cancelled"):
                continue
            reviewer = ""
            if kind == "annotations":
                who = entry.get("completed_by")
                if isinstance(who, dict):
                    who = who.get("email") or who.get("username") or ""
                reviewer = str(who or "") if not isinstance(who, int) else ""
            for result in entry.get("result") or []:
                if not isinstance(result, dict):
                    continue
                if result.get("type") != "labels":
                    problems.append(f"result of type {result.get('type')!r} ignored")
                    continue
                value = result.get("value") or {}
                labels = value.get("labels") or []
                raw_spans.append(
                    {
                        "start": value.get("start"),
                        "end": value.get("end"),
                        "quote": value.get("text"),
                        "tag": labels[0] if len(labels) == 1 else labels,
                        "reviewer": reviewer,
                        "_prediction": kind == "predictions",
                    }
                )
    return _finish(name, record, raw_spans, problems, "label-studio")


def _finish(
    name: str,
    record: dict[str, Any],
    raw_spans: list[Any],
    problems: list[str],
    fmt: str,
) -> ParsedRecord:
    if len(raw_spans) > MAX_SPANS_PER_RECORD:
        raise ItemError(f"{name}: {len(raw_spans)} spans; at most {MAX_SPANS_PER_RECORD}.")
    draft = sources.draft_from_record(name, record)
    given = record.get("text") if isinstance(record.get("text"), str) else None
    parsed = ParsedRecord(draft=draft, problems=list(problems), format=fmt)
    if raw_spans:
        parsed.spans, span_problems = place_spans(raw_spans, given, draft.text)
        parsed.problems.extend(span_problems)
    return parsed


def _tag(value: Any) -> str | None:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str):
        return None
    return _TAGS.get(value.strip().casefold())


def place_spans(
    raw_spans: list[Any], given: str | None, cleaned: str
) -> tuple[list[SpanSpec], list[str]]:
    """Validate spans on the text as given and move them onto the cleaned text.

    ``given`` is the text the offsets count in (None for HTML records: their offsets count in
    the extracted, cleaned text). Returns the placed spans and one reason per rejected span.
    """
    base = cleaned if given is None else given
    specs: list[SpanSpec] = []
    anchors: list[Anchor] = []
    problems: list[str] = []
    for number, span in enumerate(raw_spans, start=1):
        where = f"span {number}"
        if not isinstance(span, dict) or "_invalid" in span:
            reason = span.get("_invalid") if isinstance(span, dict) else "must be an object"
            problems.append(f"{where}: {reason}.")
            continue
        start, end = span.get("start"), span.get("end")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            problems.append(f"{where}: start and end must be whole numbers.")
            continue
        if not 0 <= start < end <= len(base):
            problems.append(
                f"{where}: [{start}:{end}] is not a non-empty range of the text "
                f"({len(base)} characters; offsets count Unicode code points)."
            )
            continue
        tag = _tag(span.get("tag"))
        if tag is None:
            problems.append(
                f"{where}: unknown label {span.get('tag')!r} "
                f"(known: {', '.join(Tag.values)}, any case)."
            )
            continue
        quote = span.get("quote")
        if quote is not None and quote != base[start:end]:
            problems.append(
                f"{where}: the quote {str(quote)[:60]!r} is not the text at [{start}:{end}] "
                f"({base[start:end][:60]!r})."
            )
            continue
        reviewer = span.get("reviewer") or ""
        specs.append(
            SpanSpec(
                number=number,
                start=start,
                end=end,
                quote=base[start:end],
                tag=tag,
                reviewer=str(reviewer).strip() if isinstance(reviewer, str | int) else "",
                prediction=bool(span.get("_prediction")),
                fields={k: span[k] for k in SPAN_FIELDS if k in span},
            )
        )
        anchors.append(Anchor(start, end, base[start:end], *context_for(base, start, end)))
    if base == cleaned or not specs:
        return specs, problems
    # The cleaner changed the text: move each span with the re-anchoring of revisions.
    placed: list[SpanSpec] = []
    for spec, placement in zip(specs, reanchor_all(anchors, base, cleaned), strict=True):
        if placement.status not in ("exact", "moved") or placement.start is None:
            problems.append(
                f"span {spec.number}: cleaning changed the text and {spec.quote[:60]!r} "
                f"could not be placed exactly on the cleaned text ({placement.status}); "
                "not imported."
            )
            continue
        spec.start, spec.end = placement.start, placement.end or placement.start
        spec.quote = cleaned[spec.start : spec.end]
        placed.append(spec)
    return placed, problems
