"""Publication dates from metadata strings: keep the time and its zone, convert correctly.

Metadata gives dates in a few shapes: ISO 8601 from ``<meta property="article:published_time">``
or JSON-LD (``2019-11-18T23:04:00-05:00``, ``2019-11-18T23:04:00-0500``, ``...Z``), the same with
a space and sometimes a typographic minus (U+2212) from copy-paste, and RFC 2822 from RSS
(``Mon, 18 Nov 2019 23:04:00 -0500``). The standard library parses all of them
(``datetime.fromisoformat`` since Python 3.11, ``email.utils``), so no dependency is needed.

A value with a time but no zone stays naive (the caller decides the zone); a bare day stays a
``date``. htmldate formats a day it found without a time as ``T00:00:00`` with no zone: that is
read as the day alone, not as midnight, so it is never stored as a made-up midnight UTC.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

__all__ = ["parse_published"]

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# "-0500" / "+05" at the end → "-05:00", which fromisoformat reads on every 3.11 build.
_COMPACT_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})?$")


def parse_published(value: str) -> date | datetime | None:
    """A ``datetime`` (aware when the value names a zone) or a ``date``; None if unreadable."""
    s = " ".join(value.replace("\u2212", "-").split())
    if not s:
        return None
    if _ISO_DAY.match(s):
        if len(s) == 10:
            try:
                return date.fromisoformat(s)
            except ValueError:
                return None
        iso = s.replace(" ", "T", 1).replace(" ", "")
        if iso.endswith(("z", "Z")):
            iso = iso[:-1] + "+00:00"
        iso = _COMPACT_OFFSET.sub(lambda m: f"{m[1]}{m[2]}:{m[3] or '00'}", iso)
        try:
            parsed = datetime.fromisoformat(iso)
        except ValueError:
            try:
                return date.fromisoformat(s[:10])
            except ValueError:
                return None
        if parsed.tzinfo is None and parsed.time() == datetime.min.time():
            return parsed.date()  # a day without a time, formatted as midnight
        return parsed
    try:
        return parsedate_to_datetime(s)  # RFC 2822 (RSS); naive when it says "-0000"
    except (TypeError, ValueError, IndexError):
        return None
