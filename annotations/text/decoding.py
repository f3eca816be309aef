"""Bytes → str for imported documents.

Order of evidence, strongest first:

1. a byte-order mark (it is part of the bytes, so it cannot lie about them);
2. a charset the caller got from the HTTP ``Content-Type`` header;
3. a charset declared inside the document (HTML ``<meta>`` or the XML prolog);
4. UTF-8, if the bytes decode as UTF-8 (practically never true by accident for non-UTF-8 text,
   and most pages that declare nothing are UTF-8 - a cp1252/latin-1 fallback garbles them);
5. a guess among legacy single-byte encodings (and charset-normalizer's candidates), ranked by
   how plausible each decoded text is as a language (``encoding_guess``): French bytes read as
   cp1250 give "coűterait" and "ŕ", letters no single language writes together, while cp1252
   gives "coûterait" and "à", both French. A guess that another encoding nearly ties with is
   marked *doubtful*, so the import shows it to the admin with a way to choose the encoding.

Binary input (images, PDFs, archives pasted in by mistake) is refused with ``UndecodableInput``
instead of being turned into mojibake that reviewers would then annotate.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from .encoding_guess import Guess, guess_encoding

__all__ = [
    "DecodedText",
    "UndecodableInput",
    "declared_charset",
    "decode_bytes",
    "decode_document",
    "decode_with",
]


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


@dataclass
class DecodedText:
    """Decoded text and how its encoding was decided.

    ``encoding`` is a Python codec name that turns ``text`` back into the input bytes exactly
    (``text.encode(encoding) == data``), so a later re-decode with another encoding can start
    from the stored text. ``method`` is one of "bom", "declared", "utf-8", "detected", "chosen".
    ``doubtful`` is True only for a detected guess that another encoding nearly tied with;
    ``alternatives`` are those encodings, most plausible first.
    """

    text: str
    encoding: str = "utf-8"
    method: str = "utf-8"
    doubtful: bool = False
    reason: str = ""
    alternatives: list[str] = field(default_factory=list)


def _check_printable(text: str) -> None:
    ratio = _printable_ratio(text)
    if ratio < MIN_PRINTABLE_RATIO:
        raise UndecodableInput(
            f"decoded input is only {ratio:.0%} printable characters: "
            "it looks like a binary file, not text or HTML"
        )


def decode_document(data: bytes, content_type: str | None = None) -> DecodedText:
    """Decode ``data`` and say how (see the module docstring for the order of evidence).

    ``content_type`` is the HTTP header value if the bytes came from a URL. Raises
    ``UndecodableInput`` for binary or otherwise undecodable input.
    """
    if not data:
        return DecodedText("")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise UndecodableInput(
                    f"input starts with a {codec} byte-order mark but is not valid {codec}: {exc}"
                ) from exc
            return DecodedText(text, "utf-8-sig" if codec == "utf-8-sig" else codec, "bom")
    if _looks_binary(data):
        raise UndecodableInput(
            "input contains NUL bytes: it looks like a binary file (image, PDF, archive?), "
            "not text or HTML"
        )
    result: DecodedText | None = None
    declared = declared_charset(data, content_type)
    if declared:
        try:
            result = DecodedText(data.decode(declared), declared, "declared")
        except UnicodeDecodeError:
            result = None  # a wrong declaration is common; fall through to detection
    if result is None:
        try:
            result = DecodedText(data.decode("utf-8"), "utf-8", "utf-8")
        except UnicodeDecodeError:
            result = None
    if result is None:
        guess: Guess | None = guess_encoding(data)
        if guess is None:
            raise UndecodableInput(
                "could not determine the text encoding of the input (not UTF-8, no declared "
                "charset, and detection failed); re-save it as UTF-8"
            )
        result = DecodedText(
            guess.text,
            guess.encoding,
            "detected",
            doubtful=guess.doubtful,
            reason=guess.reason,
            alternatives=guess.alternatives,
        )
    _check_printable(result.text)
    return result


def decode_bytes(data: bytes | str, content_type: str | None = None) -> str:
    """Decode ``data`` to str; ``decode_document`` without the decision. A str passes through."""
    if isinstance(data, str):
        return data
    return decode_document(data, content_type).text


def decode_with(data: bytes, encoding: str) -> DecodedText:
    """Decode with an encoding a person chose (re-import); UndecodableInput if it cannot."""
    name = _lookup(encoding)
    if name is None:
        raise UndecodableInput(f"unknown encoding {encoding!r}")
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise UndecodableInput(
            f"the input is not valid {name}: {exc.reason} at byte {exc.start}"
        ) from None
    _check_printable(text)
    return DecodedText(text, name, "chosen", reason=f"chosen by a person: {name}")
