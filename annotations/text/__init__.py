"""Pure text pipeline for article import: bytes → str → normalised, cleaned text + metadata.

No Django here: the import job calls these functions and stores the results.

* ``decode_bytes(data, content_type=None) -> str``  (raises ``UndecodableInput``)
* ``decode_document(data, content_type=None) -> DecodedText``  (the text and how it was decoded)
* ``decode_with(data, encoding) -> DecodedText``  (an encoding a person chose)
* ``normalize_text(text) -> str``
* ``clean_text(raw) -> CleanedText``  for plain text
* ``extract_html(raw, url=None) -> ExtractedArticle``  for HTML
* ``content_hash(text)``, ``signature(text)``, ``similarity(a, b)``, ``NEAR_DUPLICATE_THRESHOLD``
"""

from __future__ import annotations

import importlib
from typing import Any

# Public name -> submodule. Resolved lazily (PEP 562) so that e.g. the extraction benchmark,
# which starts one process per page, does not pay for importing numpy.
_EXPORTS = {
    "CleanedText": "cleaning",
    "RemovedLine": "cleaning",
    "clean_text": "cleaning",
    "lead_title": "cleaning",
    "DecodedText": "decoding",
    "UndecodableInput": "decoding",
    "decode_bytes": "decoding",
    "decode_document": "decoding",
    "decode_with": "decoding",
    "NEAR_DUPLICATE_THRESHOLD": "dedup",
    "content_hash": "dedup",
    "signature": "dedup",
    "similarity": "dedup",
    "ExtractedArticle": "extraction",
    "extract_html": "extraction",
    "normalize_text": "normalize",
    "parse_published": "dates",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "NEAR_DUPLICATE_THRESHOLD",
    "CleanedText",
    "DecodedText",
    "ExtractedArticle",
    "RemovedLine",
    "UndecodableInput",
    "clean_text",
    "content_hash",
    "decode_bytes",
    "decode_document",
    "decode_with",
    "extract_html",
    "lead_title",
    "normalize_text",
    "parse_published",
    "signature",
    "similarity",
]
