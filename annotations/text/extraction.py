"""HTML → ExtractedArticle: trafilatura for the main text and metadata, then our cleaning.

Steps (each one exists for a measured or observed reason):

1. Decode bytes ourselves (``decoding.decode_bytes``): pages that declare no charset must be read
   as UTF-8 when they are valid UTF-8; a cp1252 fallback garbles every non-ASCII character.
2. Extract with ``favor_precision=True, include_comments=False`` - trafilatura's best setting on
   the extraction benchmark. Precision mode occasionally drops most of an article (pages whose
   text sits in unusual containers), so when it returns much less text than the default mode we
   fall back to the default result instead of importing a fragment.
3. Put a blank line between trafilatura's blocks (paragraphs, headings, list items), so the
   stored text has the same paragraph shape as plain-text imports.
4. Drop the headline when trafilatura left it at the top of the body (it is metadata, and a
   reviewer must not annotate it as article text), then run the plain-text cleaning
   (boilerplate lines, byline/date lines) over the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import trafilatura

from .cleaning import CleanedText, clean_text, detect_language
from .decoding import decode_bytes
from .normalize import normalize_text

__all__ = ["ExtractedArticle", "extract_html"]

# Fall back to the default extraction when the precision one has fewer words than this share of
# it: precision mode is better on average, but a result that small means it lost the article.
PRECISION_FALLBACK_RATIO = 0.25
_WORD_RE = re.compile(r"\w+")


@dataclass
class ExtractedArticle(CleanedText):
    """A cleaned article extracted from HTML, with its canonical URL if the page gives one.

    ``removed[].line_no`` counts lines of the extracted text (trafilatura's blocks separated by
    blank lines), not of the HTML source.
    """

    url: str | None = None


def _extract(html: str, url: str | None, *, favor_precision: bool) -> dict | None:
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=favor_precision,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        as_dict=False,
    )
    if doc is None:
        return None
    return {
        "text": doc.text or "",
        "title": doc.title,
        "author": doc.author,
        "date": doc.date,
        "url": doc.url,
        "language": doc.language,
    }


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.casefold())


def _primary_language(tag: str | None) -> str | None:
    """ "en-US" → "en"; None/empty stays None."""
    if not tag:
        return None
    return tag.split("-")[0].split("_")[0].strip().lower() or None


def _parse_meta_date(value: str | None) -> date | datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value[:10])
    except ValueError:
        return None


def extract_html(raw: str | bytes, *, url: str | None = None) -> ExtractedArticle:
    """Extract the article body and metadata from an HTML page.

    ``raw`` may be bytes (decoded with ``decode_bytes``; may raise ``UndecodableInput``) or str.
    ``url`` is the address the page was fetched from, if any (helps trafilatura's metadata).
    Returns an ``ExtractedArticle`` whose ``text`` is empty when no article text was found.
    """
    html = decode_bytes(raw) if isinstance(raw, bytes) else raw
    best = _extract(html, url, favor_precision=True)
    fallback = _extract(html, url, favor_precision=False)
    if best is None or (
        fallback is not None
        and len(_words(best["text"])) < PRECISION_FALLBACK_RATIO * len(_words(fallback["text"]))
    ):
        best = fallback
    if best is None:
        return ExtractedArticle(text="", title=None, byline=None, published=None, removed=[])

    # trafilatura separates blocks with a single newline; we store paragraphs with blank lines.
    lines = [ln for ln in normalize_text(best["text"]).split("\n") if ln.strip()]
    title = (best["title"] or "").strip() or None
    # RemovedLine.line_no then refers to this blank-line-separated extracted text.
    cleaned = clean_text(
        "\n\n".join(lines), detect_title=False, known_title=title, drop_tweet_attributions=False
    )
    return ExtractedArticle(
        text=cleaned.text,
        title=title,
        byline=(best["author"] or "").strip() or cleaned.byline,
        published=_parse_meta_date(best["date"]) or cleaned.published,
        removed=cleaned.removed,
        language=_primary_language(best["language"]) or detect_language(cleaned.text),
        url=best["url"] or url,
    )
