"""Canonical form of text before it is stored and annotated.

Annotation offsets point into the stored text, so this must be deterministic and conservative:
it only removes characters that are invisible to a reader or that differ between platforms.
Spaces *inside* a line are never collapsed (a reviewer's quote must still be found verbatim).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["INVISIBLE_CHARS", "normalize_text"]

# Zero-width and bidi-control characters that copy-paste drags along from web pages. They are
# invisible, break search and shift offsets, and never carry meaning in news copy.
# (U+200D ZERO WIDTH JOINER is kept out of this list on purpose: it is meaningful inside
# emoji sequences and some Indic scripts.)
INVISIBLE_CHARS = "\u200b\u200c\u200e\u200f\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE_CHARS}]")
# C0/C1 control characters except \t and \n (\r is turned into \n before this runs).
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Unicode line/paragraph separators behave like newlines for readers.
_UNICODE_NEWLINES_RE = re.compile("[\u2028\u2029\x85]")
_TRAILING_WS_RE = re.compile(r"[ \t\u00a0\u3000]+$", re.MULTILINE)
_ODD_CHARS_RE = re.compile(f"[\u2028\u2029\x85{INVISIBLE_CHARS}\x00-\x08\x0b-\x1f\x7f-\x9f]")
# 3+ consecutive newlines (= 2+ blank lines) → exactly one blank line.
_BLANK_RUN_RE = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """Return ``text`` in NFC with ``\\n`` line ends, no trailing spaces, no invisible chars.

    Runs of blank lines are collapsed to a single blank line; leading/trailing blank lines of the
    whole text are dropped. Nothing else changes: spaces inside lines are kept as they are.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Most texts hold none of the odd characters: one scan instead of three substitutions.
    if _ODD_CHARS_RE.search(text):
        text = _UNICODE_NEWLINES_RE.sub("\n", text)
        text = _INVISIBLE_RE.sub("", text)
        text = _CONTROL_RE.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _TRAILING_WS_RE.sub("", text)
    text = _BLANK_RUN_RE.sub("\n\n", text)
    return text.strip("\n")
