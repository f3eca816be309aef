"""Bytes → str for imported documents.

Order of evidence, strongest first:

1. a byte-order mark (it is part of the bytes, so it cannot lie about them);
2. a charset the caller got from the HTTP ``Content-Type`` header;
3. a charset declared inside the document (HTML ``<meta>`` or the XML prolog);
4. UTF-8, if the bytes decode as UTF-8 (practically never true by accident for non-UTF-8 text,
   and most pages that declare nothing are UTF-8 - a cp1252/latin-1 fallback garbles them);
5. charset-normalizer's statistical guess.

Binary input (images, PDFs, archives pasted in by mistake) is refused with ``UndecodableInput``
instead of being turned into mojibake that reviewers would then annotate.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["UndecodableInput", "declared_charset", "decode_bytes"]


class UndecodableInput(ValueError):
    """Raised when input bytes are not text in any encoding we can determine."""


_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Declarations are ASCII, and only the head of a document may carry them (HTML5 says 1024
# bytes; we look a bit further because real pages put a lot of junk before <meta>).
_HEAD_BYTES = 4096
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_PROLOG = re.compile(
    rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)["']""", re.IGNORECASE
)
_HEADER_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)

# Share of characters that must be printable (or ordinary whitespace) for a decode to count as
# text. Real text, even with odd symbols, is far above this; binary decoded by luck is not.
MIN_PRINTABLE_RATIO = 0.95


def _lookup(name: str | bytes | None) -> str | None:
    """Return the canonical codec name, or None for unknown/absent names."""
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    try:
        codec = codecs.lookup(name.strip().lower())
    except LookupError:
        return None
    # A page declaring utf-16 in an 8-bit <meta> is lying (it could not be read as ASCII then);
    # browsers treat that as UTF-8 and so do we.
    if codec.name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    # Browsers decode "iso-8859-1"/"ascii" labels as windows-1252 (WHATWG encoding standard).
    if codec.name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return codec.name


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """Return the charset declared by an HTTP header value, the XML prolog or an HTML <meta>."""
    if content_type:
        m = _HEADER_PARAM.search(content_type)
        if m and (name := _lookup(m.group(1))):
            return name
    head = data[:_HEAD_BYTES]
    for pattern in (_XML_PROLOG, _META_CHARSET):
        m = pattern.search(head)
        if m and (name := _lookup(m.group(1))):
            return name
    return None


def _printable_ratio(text: str) -> float:
    if not text:
        return 1.0
    ok = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t\f")
    return ok / len(text)


def _looks_binary(data: bytes) -> bool:
    # NUL bytes never occur in 8-bit or UTF-8 text; BOM-marked UTF-16/32 is handled before this.
    return b"\x00" in data[:8192]


def decode_bytes(data: bytes | str, content_type: str | None = None) -> str:
    """Decode ``data`` to str (see module docstring for the order of evidence).

    ``content_type`` is the HTTP header value if the bytes came from a URL. A str is returned
    unchanged. Raises ``UndecodableInput`` for binary or otherwise undecodable input.
    """
    if isinstance(data, str):
        return data
    if not data:
        return ""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise UndecodableInput(
                    f"input starts with a {codec} byte-order mark but is not valid {codec}: {exc}"
                ) from exc
    if _looks_binary(data):
        raise UndecodableInput(
            "input contains NUL bytes: it looks like a binary file (image, PDF, archive?), "
            "not text or HTML"
        )
    text: str | None = None
    declared = declared_charset(data, content_type)
    if declared:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            text = None  # a wrong declaration is common; fall through to detection
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
    if text is None:
        from charset_normalizer import from_bytes  # imported lazily: it is slowish to import

        best = from_bytes(data).best()
        if best is None:
            raise UndecodableInput(
                "could not determine the text encoding of the input (not UTF-8, no declared "
                "charset, and detection failed); re-save it as UTF-8"
            )
        text = str(best)
    if _printable_ratio(text) < MIN_PRINTABLE_RATIO:
        raise UndecodableInput(
            f"decoded input is only {_printable_ratio(text):.0%} printable characters: "
            "it looks like a binary file, not text or HTML"
        )
    return text
