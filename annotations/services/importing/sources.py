"""What an item holds, turned into either child items (zip, JSONL file, feed) or an article draft.

Nothing here writes to the database: `expand_*` return the children to add and `draft_*`
return what to store. Decoding, cleaning and HTML extraction are the text pipeline's
(annotations.text); this module only routes each input to the right function and turns its
failures into clear per-item reasons.
"""

from __future__ import annotations

import io
import json
import posixpath
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from django.conf import settings
from django.utils import timezone

from annotations import text as textpipe
from annotations.services.links import http_url_problem, is_http_url, normalise_http_url

from .fetch import FEED_TYPES, fetch

TEXT_EXTENSIONS = (".txt",)
HTML_EXTENSIONS = (".html", ".htm")
SUPPORTED_EXTENSIONS = (*TEXT_EXTENSIONS, *HTML_EXTENSIONS, ".jsonl", ".json", ".zip")


class ItemError(Exception):
    """An item cannot be imported; the message is shown to the admin as the reason."""


@dataclass
class ChildInput:
    """An item to add to the job, produced by expanding a container."""

    name: str
    kind: str
    payload: bytes | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class ArticleDraft:
    """Everything needed to store one article (text already cleaned and normalised)."""

    raw: str
    raw_format: str
    text: str
    title: str = ""
    byline: str = ""
    published: datetime | None = None
    removed: list[dict[str, Any]] = field(default_factory=list)
    language: str = ""
    url: str = ""
    source: str = ""
    source_id: str = ""
    # How the input bytes were decoded (empty for input that arrived as text, e.g. JSONL).
    encoding: str = ""
    encoding_doubtful: bool = False
    encoding_decision: dict[str, Any] = field(default_factory=dict)

    def set_decoding(self, decoded: textpipe.DecodedText) -> None:
        self.encoding = decoded.encoding
        self.encoding_doubtful = decoded.doubtful
        self.encoding_decision = {
            "method": decoded.method,
            "reason": decoded.reason,
            "alternatives": decoded.alternatives,
        }


def extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1].lower()
    return "." + base.rsplit(".", 1)[-1] if "." in base else ""


def file_kind(name: str) -> str:
    """'text', 'html', 'jsonl' or 'zip' for a file name; ItemError for anything else."""
    ext = extension(name)
    if ext in TEXT_EXTENSIONS:
        return "text"
    if ext in HTML_EXTENSIONS:
        return "html"
    if ext in (".jsonl", ".json", ".zip"):
        return ext[1:]
    raise ItemError(
        f"{name}: unsupported file type {ext or '(no extension)'}; "
        f"use {', '.join(SUPPORTED_EXTENSIONS)}."
    )


def _aware(value: date | datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        # Keeps the time and its zone ("2019-11-18 23:04 −05:00", RFC 2822 from feeds).
        value = textpipe.parse_published(value)
        if value is None:
            return None
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)
    return datetime.combine(value, time(0, 0), tzinfo=UTC)


def _removed(lines: list[Any]) -> list[dict[str, Any]]:
    return [{"line_no": r.line_no, "text": r.text, "reason": r.reason} for r in lines]


def _decode(name: str, data: bytes, content_type: str | None = None) -> textpipe.DecodedText:
    try:
        return textpipe.decode_document(data, content_type=content_type)
    except textpipe.UndecodableInput as exc:
        raise ItemError(f"{name}: cannot be read as text: {exc}.") from None


def _check_length(name: str, text: str) -> None:
    if not text.strip():
        raise ItemError(f"{name}: no article text found (empty after cleaning).")
    if len(text) < settings.IMPORT_MIN_CHARS:
        raise ItemError(
            f"{name}: too short ({len(text)} characters after cleaning; at least "
            f"{settings.IMPORT_MIN_CHARS} needed)."
        )


def draft_from_text(name: str, raw: str, *, title: str = "") -> ArticleDraft:
    cleaned = textpipe.clean_text(raw, detect_title=not title, known_title=title or None)
    _check_length(name, cleaned.text)
    return ArticleDraft(
        raw=raw,
        raw_format="text",
        text=cleaned.text,
        title=title or cleaned.title or "",
        byline=cleaned.byline or "",
        published=_aware(cleaned.published),
        removed=_removed(cleaned.removed),
        language=cleaned.language or "",
    )


def draft_from_html(name: str, raw: str, *, url: str = "") -> ArticleDraft:
    extracted = textpipe.extract_html(raw, url=url or None)
    _check_length(name, extracted.text)
    return ArticleDraft(
        raw=raw,
        raw_format="html",
        text=extracted.text,
        title=extracted.title or "",
        byline=extracted.byline or "",
        published=_aware(extracted.published),
        removed=_removed(extracted.removed),
        language=extracted.language or "",
        # A canonical/og:url that is not http(s) is page metadata we do not trust: left out.
        url=url or (extracted.url if is_http_url(extracted.url) else ""),
    )


def draft_from_file(name: str, data: bytes) -> ArticleDraft:
    kind = file_kind(name)
    decoded = _decode(name, data)
    if kind == "html":
        draft = draft_from_html(name, decoded.text)
    else:
        draft = draft_from_text(name, decoded.text)
    draft.set_decoding(decoded)
    return draft


def parse_jsonl_line(name: str, data: bytes) -> dict[str, Any]:
    """One JSONL line (or one element of a JSON array) as a dict; ItemError if it is not one."""
    try:
        record = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ItemError(f"{name}: the line is not UTF-8 (JSONL must be UTF-8).") from None
    except json.JSONDecodeError as exc:
        raise ItemError(f"{name}: malformed JSON ({exc.msg} at column {exc.colno}).") from None
    if not isinstance(record, dict):
        raise ItemError(f"{name}: each line must be a JSON object, not {type(record).__name__}.")
    return record


def draft_from_jsonl_line(name: str, data: bytes) -> ArticleDraft:
    """One JSONL line: {"text" or "html", "title", "author", "published", "url", "source", "id"}."""
    return draft_from_record(name, parse_jsonl_line(name, data))


def draft_from_record(name: str, record: dict[str, Any]) -> ArticleDraft:
    """An article draft from a parsed JSONL record (see draft_from_jsonl_line)."""
    body_text, body_html = record.get("text"), record.get("html")
    if not isinstance(body_text, str) and not isinstance(body_html, str):
        raise ItemError(f'{name}: the object needs a "text" or an "html" string field.')
    title = str(record.get("title") or "").strip()
    url = record.get("url")
    url = url.strip() if isinstance(url, str) else url
    if url:
        problem = http_url_problem(url)
        if problem:
            shown = url[:100] if isinstance(url, str) else url
            raise ItemError(f'{name}: the "url" field {problem}: {shown!r}.')
        url = normalise_http_url(url)
    url = url or ""
    if isinstance(body_text, str):
        draft = draft_from_text(name, body_text, title=title)
    else:
        draft = draft_from_html(name, body_html, url=url)
        draft.title = title or draft.title
    draft.byline = str(record.get("author") or record.get("byline") or "").strip() or draft.byline
    draft.published = _aware(str(record.get("published") or "")) or draft.published
    draft.url = url or draft.url
    draft.source = str(record.get("source") or "").strip()
    draft.source_id = str(record.get("source_id") or record.get("id") or "").strip()
    return draft


def draft_from_url(name: str, url: str) -> ArticleDraft:
    page = fetch(url)
    decoded = _decode(name, page.content, page.content_type)
    draft = draft_from_html(name, decoded.text, url=page.url)
    draft.set_decoding(decoded)
    draft.url = url  # the address as given, so a re-import of it is recognised
    return draft


# --- containers -------------------------------------------------------------------------------


def expand_jsonl(name: str, data: bytes) -> list[ChildInput]:
    children = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.strip():
            children.append(
                ChildInput(name=f"{name}:{number}", kind="jsonl", payload=line.rstrip(b"\r"))
            )
    if not children:
        raise ItemError(f"{name}: the JSONL file has no lines.")
    return children


def expand_json(name: str, data: bytes) -> list[ChildInput]:
    """A .json file: an array of records (ours, doccano or Label Studio tasks), or one record.

    Each element becomes a child item of kind "jsonl" (re-serialised), so it is imported by
    the same batch path as a JSONL line.
    """
    try:
        parsed = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ItemError(f"{name}: the file is not UTF-8 (JSON must be UTF-8).") from None
    except json.JSONDecodeError as exc:
        raise ItemError(
            f"{name}: malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})."
        ) from None
    records = parsed if isinstance(parsed, list) else [parsed]
    if not records:
        raise ItemError(f"{name}: the JSON array is empty.")
    return [
        ChildInput(
            name=f"{name}[{number}]",
            kind="jsonl",
            payload=json.dumps(record, ensure_ascii=False).encode("utf-8"),
        )
        for number, record in enumerate(records)
    ]


def _unsafe_member(member: str) -> bool:
    if member.startswith(("/", "\\")) or (len(member) > 1 and member[1] == ":"):
        return True
    return ".." in posixpath.normpath(member.replace("\\", "/")).split("/")


def expand_zip(name: str, data: bytes) -> list[ChildInput]:
    """The supported files of a zip as child items, refusing bombs and path traversal."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ItemError(f"{name}: not a valid zip archive.") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > settings.IMPORT_ZIP_MAX_MEMBERS:
            raise ItemError(
                f"{name}: {len(members)} files in the archive; at most "
                f"{settings.IMPORT_ZIP_MAX_MEMBERS} allowed."
            )
        for m in members:
            if _unsafe_member(m.filename):
                raise ItemError(f"{name}: refused, unsafe path in the archive: {m.filename!r}.")
        declared = sum(m.file_size for m in members)
        if declared > settings.IMPORT_ZIP_MAX_TOTAL_BYTES:
            raise ItemError(
                f"{name}: would unpack to {declared} bytes; the limit is "
                f"{settings.IMPORT_ZIP_MAX_TOTAL_BYTES} (zip bomb?)."
            )
        children: list[ChildInput] = []
        total = 0
        for m in members:
            label = f"{name}/{m.filename}"
            base = m.filename.rsplit("/", 1)[-1]
            if base.startswith(".") or m.filename.startswith("__MACOSX/"):
                continue  # Finder and editor droppings, not articles
            if extension(m.filename) == ".zip":
                children.append(ChildInput(label, "error", metadata={"error": "nested zip"}))
                continue
            if extension(m.filename) not in SUPPORTED_EXTENSIONS:
                children.append(ChildInput(label, "error", metadata={"error": "unsupported"}))
                continue
            ratio = m.file_size / max(m.compress_size, 1)
            if ratio > settings.IMPORT_ZIP_MAX_RATIO:
                raise ItemError(
                    f"{name}: {m.filename} is compressed {ratio:.0f}:1, more than "
                    f"{settings.IMPORT_ZIP_MAX_RATIO}:1 (zip bomb?)."
                )
            # Headers can lie about sizes: read at most one byte past the limit and check.
            with archive.open(m) as fh:
                content = fh.read(settings.IMPORT_MAX_BYTES + 1)
            if len(content) > settings.IMPORT_MAX_BYTES:
                children.append(ChildInput(label, "error", metadata={"error": "too large"}))
                continue
            total += len(content)
            if total > settings.IMPORT_ZIP_MAX_TOTAL_BYTES:
                raise ItemError(f"{name}: unpacks to more than the limit (zip bomb?).")
            children.append(ChildInput(label, "file", payload=content))
    if not children:
        raise ItemError(f"{name}: the archive holds no files.")
    return children


def child_error(name: str, code: str) -> str:
    """The reason shown for a zip member that was refused while expanding."""
    return {
        "nested zip": f"{name}: archives inside archives are not unpacked.",
        "unsupported": (f"{name}: unsupported file type; use {', '.join(SUPPORTED_EXTENSIONS)}."),
        "too large": f"{name}: larger than the limit of {settings.IMPORT_MAX_BYTES} bytes.",
    }.get(code, f"{name}: {code}")


def fetch_feed(url: str) -> tuple[str, list[dict[str, Any]]]:
    """Fetch and parse a feed: (feed title, entries as {guid, url, title, published})."""
    import feedparser

    page = fetch(url, accept=(*FEED_TYPES, "text/html"), what="an RSS or Atom feed")
    parsed = feedparser.parse(page.content, response_headers={"content-type": page.content_type})
    version = getattr(parsed, "version", "")
    if not version:
        reason = getattr(parsed, "bozo_exception", None)
        raise ItemError(
            f"{url}: not an RSS or Atom feed"
            + (f" ({type(reason).__name__}: {reason})." if reason else ".")
        )
    entries = []
    for entry in parsed.entries:
        link = str(entry.get("link") or "").strip()
        link_error = ""
        if link and http_url_problem(link):
            # Kept out of the database; the entry's item fails with this reason.
            link_error = f"the entry's link {http_url_problem(link)}: {link[:100]!r}"
            link = ""
        guid = str(entry.get("id") or link or entry.get("title") or "").strip()
        if not guid:
            continue
        published = entry.get("published") or entry.get("updated") or ""
        entries.append(
            {
                "guid": guid[:2000],
                "url": link[:2000],
                "title": str(entry.get("title") or "")[:500],
                "published": str(published),
                **({"link_error": link_error} if link_error else {}),
            }
        )
    return str(parsed.feed.get("title") or ""), entries
