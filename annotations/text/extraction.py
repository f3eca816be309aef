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

Before step 2, widgets that sit *inside* a paragraph are cut out of the HTML (``strip_widgets``):
The Hill puts a hover card after every linked name ("Rep. Ilhan Omar" + a hidden card with the
name again, another story's headline and "MORE"), and trafilatura, which keeps a paragraph's
text, glued it into the lead sentence. Such a fragment is not a line of the extracted text, so
it is reported as a ``RemovedLine`` with ``line_no`` 0 ("cut from inside the HTML"): the source
view shows it with its reason, and it cannot be "restored" into a sentence it never belonged to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from html import unescape

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import set_date_params

from .cleaning import CleanedText, RemovedLine, clean_text, detect_language
from .dates import parse_published
from .decoding import decode_bytes
from .normalize import normalize_text

__all__ = [
    "REASON_HIDDEN",
    "REASON_HOVER_CARD",
    "ExtractedArticle",
    "extract_html",
    "strip_widgets",
]

REASON_HOVER_CARD = (
    "hover card: pop-up about a linked name (its headline and links are another story)"
)
REASON_HIDDEN = "hidden element inside a paragraph (never shown to readers)"
# Class names of pop-up cards that sites attach to names and links. Generic "tooltip" and
# "popover" classes are not here: sites put them on the visible trigger word too; the pop-up
# itself is recognised by role="tooltip" or by being hidden.
_HOVER_CARD_CLASS = re.compile(
    r"(?:^|[\s_-])(?:rollover-people(?:-block)?|hover-?card|person-?card-?popup)"
    r"(?:$|[\s])",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# A cheap test before parsing: pages without any of these have nothing to strip.
_WIDGET_HINT = re.compile(
    r"rollover|hover-?card|tooltip|person-?card|display\s*:\s*none|visibility|\shidden[\s>=]",
    re.IGNORECASE,
)
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "dd", "td"}
# A card is short; anything longer is content, whatever its class says.
_MAX_WIDGET_CHARS = 600
# Ask htmldate for the time and zone too, not just the day ("2019-11-18T23:04:00-0500").
_DATE_PARAMS = {**set_date_params(), "outputformat": "%Y-%m-%dT%H:%M:%S%z"}

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
        date_extraction_params=_DATE_PARAMS,
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


def _widget_reason(el: etree._Element) -> str | None:
    classes = el.get("class") or ""
    if _HOVER_CARD_CLASS.search(classes) or el.get("role") == "tooltip":
        return REASON_HOVER_CARD
    hidden = el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or "")
    if hidden and any(a.tag in _BLOCKS for a in el.iterancestors() if isinstance(a.tag, str)):
        return REASON_HIDDEN
    return None


def strip_widgets(html: str) -> tuple[str, list[RemovedLine]]:
    """Cut hover cards and hidden inline elements out of ``html``; report what was cut.

    Only elements inside the body, with at most ``_MAX_WIDGET_CHARS`` of text, are cut (a
    long "hidden" block is more likely an article a script reveals than a widget); the text
    after an element (its tail) stays. Returns the HTML unchanged when nothing matched.
    """
    if not _WIDGET_HINT.search(html):
        return html, []
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html, []
    body = tree.find("body")
    if body is None:
        return html, []
    removed: list[RemovedLine] = []
    cut: list[etree._Element] = []
    for el in body.iter():
        if not isinstance(el.tag, str) or any(c in cut for c in el.iterancestors()):
            continue
        reason = _widget_reason(el)
        if reason is None:
            continue
        text = " ".join(" ".join(el.itertext()).split())
        if len(text) > _MAX_WIDGET_CHARS:
            continue
        cut.append(el)
        if text:
            removed.append(RemovedLine(0, text, reason))
    if not cut:
        return html, []
    for el in cut:
        el.drop_tree()  # keeps el.tail: the sentence goes on after the card
    return lxml.html.tostring(tree, encoding="unicode"), removed


_HEADLINE_TAGS = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_TITLE_TAG = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_META_TITLE = re.compile(
    r"""<meta\s[^>]*(?:property|name)\s*=\s*["'](?:og:title|twitter:title)["'][^>]*>""",
    re.IGNORECASE,
)
_CONTENT_ATTR = re.compile(r"""content\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def headline_candidates(html: str) -> list[str]:
    """Every headline the page states: its <h1>s, <title>, og:title and twitter:title.

    trafilatura picks one of them as the title, and often keeps the <h1> as the first body
    line; that line is the headline whichever of them the title came from.
    """
    found = [_TAG.sub(" ", m) for m in _HEADLINE_TAGS.findall(html)[:3]]
    found += _TITLE_TAG.findall(html)[:1]
    for tag in _META_TITLE.findall(html)[:4]:
        if m := _CONTENT_ATTR.search(tag):
            found.append(m.group(1) or m.group(2) or "")
    out: list[str] = []
    for value in found:
        text = " ".join(unescape(value).split())
        if text and len(text) <= 300 and text not in out:
            out.append(text)
    return out


def _parse_meta_date(value: str | None) -> date | datetime | None:
    return parse_published(value) if value else None


def extract_html(raw: str | bytes, *, url: str | None = None) -> ExtractedArticle:
    """Extract the article body and metadata from an HTML page.

    ``raw`` may be bytes (decoded with ``decode_bytes``; may raise ``UndecodableInput``) or str.
    ``url`` is the address the page was fetched from, if any (helps trafilatura's metadata).
    Returns an ``ExtractedArticle`` whose ``text`` is empty when no article text was found.
    """
    html = decode_bytes(raw) if isinstance(raw, bytes) else raw
    html, widgets = strip_widgets(html)
    best = _extract(html, url, favor_precision=True)
    fallback = _extract(html, url, favor_precision=False)
    if best is None or (
        fallback is not None
        and len(_words(best["text"])) < PRECISION_FALLBACK_RATIO * len(_words(fallback["text"]))
    ):
        best = fallback
    if best is None:
        return ExtractedArticle(text="", title=None, byline=None, published=None, removed=widgets)

    # trafilatura separates blocks with a single newline; we store paragraphs with blank lines.
    lines = [ln for ln in normalize_text(best["text"]).split("\n") if ln.strip()]
    title = (best["title"] or "").strip() or None
    # RemovedLine.line_no then refers to this blank-line-separated extracted text.
    cleaned = clean_text(
        "\n\n".join(lines),
        detect_title=False,
        known_title=title,
        other_titles=headline_candidates(html),
        drop_tweet_attributions=False,
    )
    return ExtractedArticle(
        text=cleaned.text,
        title=title,
        byline=(best["author"] or "").strip() or cleaned.byline,
        published=_parse_meta_date(best["date"]) or cleaned.published,
        removed=widgets + cleaned.removed,
        language=_primary_language(best["language"]) or detect_language(cleaned.text),
        url=best["url"] or url,
    )
