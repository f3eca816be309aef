"""Pure text pipeline for article import: bytes → str → normalised, cleaned text + metadata.

No Django here: the import job calls these functions and stores the results.

* ``decode_bytes(data, content_type=None) -> str``  (raises ``UndecodableInput``)
* ``normalize_text(text) -> str``
* ``clean_text(raw) -> CleanedText``  for plain text
* ``extract_html(raw, url=None) -> ExtractedArticle``  for HTML
* ``content_hash(text)``, ``signature(text)``, ``similarity(a, b)``, ``NEAR_DUPLICATE_THRESHOLD``
"""

from __future__ import annotations

from .cleaning import CleanedText, RemovedLine, clean_text
from .decoding import UndecodableInput, decode_bytes
from .dedup import NEAR_DUPLICATE_THRESHOLD, content_hash, signature, similarity
from .extraction import ExtractedArticle, extract_html
from .normalize import normalize_text

__all__ = [
    "NEAR_DUPLICATE_THRESHOLD",
    "CleanedText",
    "ExtractedArticle",
    "RemovedLine",
    "UndecodableInput",
    "clean_text",
    "content_hash",
    "decode_bytes",
    "extract_html",
    "normalize_text",
    "signature",
    "similarity",
]
