"""Plain-text cleaning: boilerplate removal and title/byline/date detection.

Reviewers annotate the cleaned text, so the one rule that beats all others is: **never remove an
article sentence**. A line is removed only when

* it matches, as a *whole line*, one of the patterns in ``BOILERPLATE_PATTERNS`` (a quoted
  sentence that merely contains "subscribe" or "advertisement" is never a whole-line match), or
* a structural rule fires: the header (title, byline/date, image caption right below them),
  a breaking-news ticker item, an embedded-tweet attribution, or a trailing sidebar block that
  starts with a known heading such as "News Feed" after the article ended.

A line is never removed merely because it is short. Every removed line is reported as a
``RemovedLine`` (1-based line number in the *normalised* raw text, text, reason) so an admin can
see and restore it; the raw input itself is stored verbatim by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from difflib import SequenceMatcher

from .normalize import normalize_text
from .scripts import letter_counts

__all__ = [
    "BOILERPLATE_PATTERNS",
    "SIDEBAR_HEADINGS",
    "CleanedText",
    "RemovedLine",
    "clean_text",
    "detect_language",
    "lead_sentence_date",
    "lead_title",
    "parse_date",
]


@dataclass
class RemovedLine:
    """A line dropped from the article body, so an admin can see and restore it."""

    line_no: int  # 1-based line number in the normalised raw text
    text: str
    reason: str  # human-readable


@dataclass
class CleanedText:
    """The cleaned article body plus the metadata found in (and removed from) the raw text."""

    text: str  # what annotation offsets will point into
    title: str | None = None
    byline: str | None = None
    published: date | datetime | None = None
    removed: list[RemovedLine] = field(default_factory=list)
    language: str | None = None


# ---------------------------------------------------------------------------------------------
# Reasons (shared constants so tests and the admin UI can rely on them)
# ---------------------------------------------------------------------------------------------
REASON_TITLE = "title (moved to metadata)"
REASON_PAGE_HEADER = "page header above the headline (site tagline/section)"
REASON_RELATED = "link to another article"
REASON_BYLINE = "byline/date line (moved to metadata)"
REASON_CAPTION = "image caption/credit below the headline"
REASON_TICKER = "breaking-news ticker item (another story)"
REASON_TWEET = "embedded tweet attribution"
REASON_NEWSLETTER = "newsletter sign-up prompt"


def _sidebar_reason(heading: str) -> str:
    return f"sidebar: {heading!r} list of other headlines"


# ---------------------------------------------------------------------------------------------
# Boilerplate table: (pattern, reason), tried in order, each matched against the WHOLE stripped
# line (re.fullmatch, case-insensitive). To extend: add a row; keep patterns anchored to phrasing
# that only ever appears as page furniture, never to words that can occur in reporting.
# ---------------------------------------------------------------------------------------------
_Q = "['’]"  # straight or curly apostrophe, as copy-paste gives either
BOILERPLATE_PATTERNS: list[tuple[str, str]] = [
    # Accessibility/navigation links that copy-paste picks up at the top of a page.
    (
        (
            r"skip to (main )?(content|navigation|main menu)"
            r"|перейти до (основного )?(змісту|контенту|вмісту)"
        ),
        "navigation link",
    ),
    (r"home|(main )?menu|close|search|back to top|toggle navigation", "navigation link"),
    # CMS controls visible to logged-in editors ("Edit post" on WordPress/Ghost).
    (r"edit (this )?(post|article|page)", "CMS editing link"),
    # Ad slots leave their label behind as a line of its own.
    (
        (
            r"(advertisement|advertising|ad|sponsored( content)?)"
            r"(\s*[·•|–-]\s*(scroll to continue( with content)?|story continues below))?"
            r"|story continues below( advertisement)?"
            r"|scroll to continue( with content)?|реклама|광고"
        ),
        "advertisement marker",
    ),
    # Audio/"listen" players.
    (
        (
            r"this audio is (created|generated) with ai assistance|listen to (this )?article"
            r"|\d+ min(ute)?s? (read|listen)"
        ),
        "audio player label",
    ),
    # Newsletter sign-up forms: every label of the form comes out as a line.
    (
        (
            r"subscribe|subscribe now|sign up|sign up (now|here|for (our|the) newsletters?)"
            r"|enter your e-?mail( address)?( to subscribe| here)?"
            r"|please,? enter (a )?(correct|valid) e-?mail( address)?"
            r"|\* ?indicates required|successful?ly subscribed"
            r"|thank you for (signing up|subscribing)( (for|to) (this|our) newsletter)?\..*"
            r"|get (our|the) .{0,40}newsletter.{0,40}"
            r"|підписатися|підпишіться на (наш )?(telegram|телеграм|розсилку).{0,60}|구독(하기)?"
        ),
        REASON_NEWSLETTER,
    ),
    # Sign-up pitches in prose form ("Get the day's top headlines delivered to your inbox by
    # subscribing to our newsletter."): a short line that starts with an imperative (Subscribe,
    # Get, Sign up, ...) and names a newsletter or inbox. Lines with quotation marks are
    # excluded so a quoted sentence survives; reporting about subscribers does not start so.
    (
        (
            r"(?!.*[\"“”«»„])(subscribe|sign up|get|receive|join|want|don't miss)\b"
            r"(?=.*\b(newsletters?|inbox)\b).{1,250}"
        ),
        REASON_NEWSLETTER,
    ),
    # Social-media follow prompts at the end of articles ("Follow Newsbeat on Instagram, ...").
    (
        (
            r"(?!.*[\"“”«»„])follow (us|him|her|them|[^\W\d_][\w.&' -]{0,40}) on "
            r"(twitter|x|facebook|instagram|youtube|tiktok|telegram|linkedin)\b.{0,120}"
        ),
        "social-media follow prompt",
    ),
    # Membership/donation appeals (Kyiv Independent style banners and end-of-article asks).
    (
        (
            rf".{{0,120}}\bhelp us reach [\d,. ]+ (members|supporters|subscribers)\b.{{0,40}}"
            rf"|can we reach [\d,. ]+ (members|supporters)\?"
            rf"|(independent|quality) journalism needs a community\b.{{0,20}}"
            rf"|not a paywall\."
            rf"|our goal: reach [\d,. ]+ members\b.*"
            rf"|we{_Q}re working hard to show the world .{{0,200}}keeping it free for everyone\b.*"
            rf"|(please )?(support|donate to) (our|independent) journalism.{{0,60}}"
            rf"|become a (member|supporter|patron)( today| now)?[.!]?"
        ),
        "membership/donation appeal",
    ),
    # Cookie/consent banners.
    (
        (
            r"(we|this (web)?site) uses? cookies\b.*|accept( all)?( cookies)?|reject all"
            r"|cookie (settings|preferences|policy)|manage (cookies|preferences|consent)"
            r"|i agree|got it"
        ),
        "cookie banner",
    ),
    # Relative timestamps ("Updated 2 hours ago") carry no date we could store.
    (
        r"(updated|published|posted)?\s*(\d+|an?|one) (second|minute|hour|day|week)s? ago",
        "relative timestamp",
    ),
    # "Read more:"-style interjections linking to other stories (one line each).
    (
        (
            r"(read more|read also|also read|see also|related|more|watch|listen)\s*:\s*.{1,200}"
            r"|read more|читайте також\s*:?.{0,200}|читайте також"
        ),
        REASON_RELATED,
    ),
    # Share buttons.
    (
        (
            r"share( this( article| story)?)?|share on (facebook|twitter|x|whatsapp|telegram)"
            r"|tweet|copy link|print|email|facebook|twitter|whatsapp|telegram|linkedin"
        ),
        "share button",
    ),
    # Image credit/licence lines (anywhere: they describe a picture, never the story).
    (
        (
            r"(image|photo|picture|illustration)s? (is|are) licensed under .*"
            r"|(photo|image|picture|credit|photograph|foto|фото|사진)( credit)?\s*:\s*.{1,150}"
            r"|©.{1,150}|\(?(photo|image)( credit)?:? [^.]{1,80}\)?"
        ),
        "image credit/licence",
    ),
    # Wire-service credits and publisher notices at the end of agency copy.
    (
        (
            r"\(?(reporting|writing|additional reporting|editing) by [^.]{1,200}\)?"
            r"|our standards: the thomson reuters trust principles\.?"
        ),
        "wire-service credit/notice",
    ),
    (
        r"(all rights reserved|copyright).{0,100}|무단 ?전재 ?및 ?재배포 ?금지.{0,40}",
        "copyright notice",
    ),
]
_COMPILED_PATTERNS = [(re.compile(p, re.IGNORECASE), reason) for p, reason in BOILERPLATE_PATTERNS]
# All rows as one alternation, tried in table order by the regex engine: ``fullmatch`` tries
# row 0 completely (backtracking included) before row 1, so the first row that matches the
# whole line wins, exactly like trying the rows one by one - in one call instead of ~20.
_ALL_PATTERNS = re.compile(
    "|".join(f"(?P<r{i}>{p})" for i, (p, _reason) in enumerate(BOILERPLATE_PATTERNS)),
    re.IGNORECASE,
)
_PATTERN_REASONS = {f"r{i}": reason for i, (_p, reason) in enumerate(BOILERPLATE_PATTERNS)}

# Headings that open a block of *other* stories. Everything from such a heading to the end of the
# text is a sidebar (when the rule in ``_trailing_sidebar_start`` accepts it).
SIDEBAR_HEADINGS = re.compile(
    rf"news feed|most (popular|read|viewed|shared)|more news|more stories|latest( news)?"
    rf"|editors?{_Q}?s?{_Q}? picks?|related( articles| stories| news| coverage| content)?"
    rf"|you (may|might) also like|recommended( for you)?|top stories|trending( now)?"
    rf"|popular now|more from .{{1,40}}|last news|останні новини|популярне|читайте також",
    re.IGNORECASE,
)

_MAX_SIDEBAR_HEADING_CHARS = 50

# ---------------------------------------------------------------------------------------------
# Dates and bylines
# ---------------------------------------------------------------------------------------------
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # Ukrainian genitive month names ("28 квітня 2025").
    "січня": 1, "лютого": 2, "березня": 3, "квітня": 4, "травня": 5, "червня": 6,
    "липня": 7, "серпня": 8, "вересня": 9, "жовтня": 10, "листопада": 11, "грудня": 12,
}  # fmt: skip
_EN_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_UK_MONTH = (
    "(?:січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня)"
)
_DATE = (
    rf"(?:{_EN_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+(?:{_EN_MONTH}|{_UK_MONTH}),?\s+\d{{4}}(?:\s*р\.)?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{4}}\.\d{{2}}\.\d{{2}}\.?"
    rf"|\d{{1,2}}/\d{{1,2}}/(?:\d{{4}}|\d{{2}})(?![\d/]))"
)
# "3:07 PM", "11:42 AM GMT+3", "15:07 (EEST)"
_TIME = (
    r"(?:\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?"
    r"(?:\s+\(?[A-Z]{2,5}(?:[+-]\d{1,2}(?::?\d{2})?)?\)?)?)"
)
_DATE_RE = re.compile(_DATE, re.IGNORECASE)
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})(?:\s*([ap])\.?m\.?)?", re.IGNORECASE)
# The zone after a time: "EST", "(EEST)", "GMT+3", "UTC-05:00", "+02:00".
_ZONE_RE = re.compile(
    r"\s*\(?\s*(?:(?P<abbr>[A-Z]{1,5})(?P<off1>[+-]\d{1,2}(?::?\d{2})?)?"
    r"|(?P<off2>[+-]\d{2}:?\d{2}))\s*\)?(?![\w])"
)
# Hours from UTC of zone abbreviations that news pages print (US zones for the ambiguous CST).
_ZONE_HOURS = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "WEST": 1, "CET": 1, "CEST": 2, "EET": 2,
    "EEST": 3, "MSK": 3, "KST": 9, "JST": 9, "AEST": 10, "AEDT": 11, "EST": -5, "EDT": -4,
    "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8,
    "HST": -10,
}  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "On Monday(4/28/25)", "on Tuesday, April 29, 2025": the day a lead sentence is dated.
_LEAD_DATE_RE = re.compile(
    rf"\b(?P<weekday>{'|'.join(_WEEKDAYS)})\s*(?:\(\s*|,\s*)(?P<date>{_DATE})",
    re.IGNORECASE,
)
_READ_TIME = r"(?:\d+\s+min(?:ute)?s?\s+read)"
_SEP = r"(?:\s*[|·•,—–-]\s*|\s+)"
# A name: 1-4 words, each starting with a capital letter (checked in _is_name), optionally
# several names joined by "and"/"&"/",".
_NAME_WORD = r"[^\W\d_][\w'’.-]*"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}"
_NAMES = rf"{_NAME}(?:\s*(?:,|\band\b|&)\s*{_NAME})*"

# "by Yuliia Taradiuk April 28, 2025 3:07 PM 2 min read", "Yuliia Taradiuk April 28, 2025"
_BYLINE_WITH_DATE_RE = re.compile(
    rf"(?:by\s+)?(?P<author>{_NAMES}){_SEP}(?P<date>{_DATE})"
    rf"(?:{_SEP}(?:at\s+)?(?P<time>{_TIME}))?(?:{_SEP}{_READ_TIME})?",
    re.IGNORECASE,
)
# "By Tom Balmforth and Olena Harmash" (the word "By" is required when no date follows).
_BYLINE_RE = re.compile(rf"(?:by|автор(?:ка)?:?)\s+(?P<author>{_NAMES})", re.IGNORECASE)
# "Apr 28, 2025", " date 2025-04-09 <caption>", "Published: 28 April 2025, 15:07 GMT"
_DATE_LINE_RE = re.compile(
    rf"(?:(?:date|published|posted|updated|опубліковано|оновлено)\s*:?\s*)?"
    rf"(?P<date>{_DATE})(?:{_SEP}(?:at\s+)?(?P<time>{_TIME}))?(?:{_SEP}{_READ_TIME})?"
    rf"(?P<rest>\s.*)?",
    re.IGNORECASE,
)
# 2-4 words of letters only: the shape of a bare author name.
_BARE_NAME_RE = re.compile(r"[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){1,3}")
_NAME_LOWER_OK = {"and", "de", "van", "von", "der", "da", "di", "la", "le", "bin", "al"}


def _is_name(s: str) -> bool:
    words = re.split(r"\s*(?:,|&)\s*|\s+", s.strip())
    words = [w for w in words if w]
    if not words or len(words) > 12:
        return False
    return all(w[0].isupper() or w.lower() in _NAME_LOWER_OK for w in words) and not any(
        _DATE_RE.fullmatch(w) for w in words
    )


def parse_date(text: str) -> date | datetime | None:
    """Parse the first date (and an optional following time) in ``text``.

    Returns a ``datetime`` when a time of day follows the date, else a ``date``; None if no
    supported date is found. Supported: "April 28, 2025", "Apr 28, 2025", "28 April 2025",
    "28 квітня 2025", "2025-04-28", "2025.04.28".
    """
    m = _DATE_RE.search(text)
    if not m:
        return None
    s = m.group(0).lower().rstrip(".")
    try:
        if iso := re.fullmatch(r"(\d{4})[-.](\d{2})[-.](\d{2})", s):
            d = date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif "/" in s:
            d = _numeric_date(s)
            if d is None:
                return None
        else:
            nums = re.findall(r"\d+", s)
            day, year = int(nums[0]), int(nums[-1])
            word = re.search(r"[^\W\d_]+", s)
            month = _MONTHS.get(word.group(0)) if word else None
            if month is None and word:
                month = _MONTHS.get(word.group(0)[:4]) or _MONTHS.get(word.group(0)[:3])
            if month is None:
                return None
            d = date(year, month, day)
    except ValueError:
        return None
    tm = _TIME_RE.match(text[m.end() :].lstrip(" ,|·•—–-").removeprefix("at ").lstrip())
    if tm:
        hour, minute = int(tm[1]), int(tm[2])
        if tm[3]:
            hour = hour % 12 + (12 if tm[3].lower() == "p" else 0)
        if hour < 24 and minute < 60:
            rest = text[m.end() :].lstrip(" ,|·•—–-").removeprefix("at ").lstrip()[tm.end() :]
            return datetime(d.year, d.month, d.day, hour, minute, tzinfo=_zone(rest))
    return d


def _numeric_date(s: str, weekday: int | None = None) -> date | None:
    """ "4/28/25" → 2025-04-28: month first (US) unless only day first is a real date, or
    unless ``weekday`` (0 = Monday) says which reading is meant."""
    a, b, y = (int(n) for n in s.split("/"))
    year = y if y >= 100 else 2000 + y if y < 70 else 1900 + y
    readings = []
    for month, day in ((a, b), (b, a)):
        try:
            readings.append(date(year, month, day))
        except ValueError:
            continue
    if weekday is not None:
        readings = [d for d in readings if d.weekday() == weekday]
    return readings[0] if readings else None


def _zone(after_time: str) -> tzinfo | None:
    """The zone named right after a time ("EST", "(EEST)", "GMT+3", "+02:00"), if known."""
    m = _ZONE_RE.match(after_time)
    if not m:
        return None
    hours = 0.0
    if m["abbr"]:
        if m["abbr"] not in _ZONE_HOURS:
            return None
        hours = _ZONE_HOURS[m["abbr"]]
    offset = m["off1"] or m["off2"]
    if offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hh, mm = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
        hours += sign * (int(hh) + int(mm) / 60)
    if abs(hours) > 14:
        return None
    return timezone(timedelta(hours=hours))


def lead_sentence_date(line: str) -> date | None:
    """The date a lead sentence gives with its weekday ("On Monday(4/28/25), ..."), if the
    weekday agrees with it; the sentence itself is article text and stays."""
    m = _LEAD_DATE_RE.search(line[:300])
    if not m:
        return None
    weekday = _WEEKDAYS.index(m["weekday"].lower())
    raw = m["date"]
    if "/" in raw:
        return _numeric_date(raw.rstrip("."), weekday)
    found = parse_date(raw)
    day = found.date() if isinstance(found, datetime) else found
    return day if day is not None and day.weekday() == weekday else None


# ---------------------------------------------------------------------------------------------
# Structural rules
# ---------------------------------------------------------------------------------------------
# Image captions right below the headline/byline carry a credit: "(Kyodo News via Getty Images)",
# "Photo: Reuters", "© AFP", "AP" at the end. Only applied in the header zone: in the body the
# same words can be reporting ("... a photo released via Reuters showed ...").
_CAPTION_CREDIT_RE = re.compile(
    r"\((?:[^()]*\b(?:getty images|ap photo|reuters|afp|epa|shutterstock|photo|image|pool|"
    r"handout|via [A-Z][\w&.' ]+))[^()]*\)\s*$"
    r"|^(?:photo|image|credit|foto|фото)\s*:|©|\bvia (?:reuters|getty images|ap|afp)\b"
    r"|\s(?:AP|AFP|Reuters|EPA|Getty Images|Getty)$",
)
# "BREAKING: <headline>" lines are a ticker for another story; its one-line summary follows
# immediately (no blank line between them, unlike the article's paragraphs).
_TICKER_RE = re.compile(r"(?:BREAKING|BREAKING NEWS|JUST IN|LIVE|DEVELOPING)\s*:\s*\S.*")
# "Read more:" / "Related:" with nothing after the colon: a list of links follows.
_RELATED_LIST_RE = re.compile(
    r"(read more|read also|also read|see also|related( articles| stories)?|more on this"
    r"|читайте також)\s*:",
    re.IGNORECASE,
)
# "— Name (@handle) April 28, 2025": the attribution line an embedded tweet leaves behind.
_TWEET_ATTRIBUTION_RE = re.compile(
    rf"[—–-]\s*.{{1,120}}\(@\w{{1,30}}\)\s*{_DATE}\s*", re.IGNORECASE
)
# A line that reads as a headline: no sentence-final full stop, not too long.
_MAX_TITLE_CHARS = 250
_MAX_TITLE_WORDS = 30
_MAX_WEAK_TITLE_WORDS = 20


def _pattern_reason(line: str) -> str | None:
    s = line.strip()
    if not s:
        return None
    m = _ALL_PATTERNS.fullmatch(s)
    return _PATTERN_REASONS[m.lastgroup] if m and m.lastgroup else None


# How many leading lines may hold a known headline (a kicker/standfirst can precede it).
_TITLE_SEARCH_LINES = 3
# Site names appended to <title>: "Headline | Site", "Headline - Site", "Headline — Site".
_TITLE_SUFFIX_RE = re.compile(r"\s+[|–—-]\s+[^|–—-]{1,60}$")
_WORD_RE = re.compile(r"\w+")


def _is_title_line(line: str, title: str) -> bool:
    """True if ``line`` repeats the headline ``title`` (possibly minus a " | Site" suffix)."""
    lw = _WORD_RE.findall(line.casefold())
    if not lw:
        return False
    for cand in (title, _TITLE_SUFFIX_RE.sub("", title)):
        tw = _WORD_RE.findall(cand.casefold())
        if tw and lw == tw:
            return True
        # <title> and the on-page <h1> often differ by a word ("Anastassiades'" vs "Michael
        # Anastassiades'"); near-identical word sequences of headline length are the same line.
        similar_length = abs(len(lw) - len(tw)) <= max(2, len(tw) // 5)
        if len(tw) >= 5 and similar_length and SequenceMatcher(None, lw, tw).ratio() >= 0.85:
            return True
    return False


def _looks_like_title(line: str, *, before_byline: bool) -> bool:
    """Headline shape. ``before_byline``: a byline/date line follows (strong evidence).

    Without that evidence the first line of pasted text is often the first *paragraph* of an
    article body (a question, a dateline, a section label), so the weak case is much stricter:
    4-20 words (or <= 60 chars for unspaced scripts), no sentence-final or closing punctuation,
    not ALL CAPS, no URL or hashtag.
    """
    s = line.strip()
    if not s or len(s) > _MAX_TITLE_CHARS or len(s.split()) > _MAX_TITLE_WORDS:
        return False
    if s.endswith((".", ",", ";", ":", "…", "。")):
        return False
    first = s.lstrip("'\"‘“«„")[:1]
    if not (first.isupper() or first.isdigit() or (first.isalpha() and not first.islower())):
        return False
    if before_byline:
        return True
    n_words = len(s.split())
    spaced_ok = 4 <= n_words <= _MAX_WEAK_TITLE_WORDS
    unspaced_ok = n_words <= 2 and len(s) <= 60 and not s.isascii()
    return (
        (spaced_ok or unspaced_ok)
        and not s.endswith(("?", "!", ")", "”", '"', "»", "？", "！"))
        and not s.isupper()
        and not re.search(r"https?://|www\.|#\w", s)
    )


def _is_page_header(line: str, rest: list[str]) -> bool:
    """A short label ("World | Asia") directly above a headline that a byline/date follows."""
    s = line.strip()
    if len(s.split()) > 8 or s.endswith((".", "?", "!", ":")):
        return False
    following = [x for x in rest if x.strip()][:2]
    if len(following) < 2:
        return False
    headline, after = following
    return (
        _match_byline_date(after) is not None
        and _looks_like_title(headline, before_byline=True)
        and not _match_byline_date(headline)
    )


def _match_byline_date(line: str) -> tuple[str | None, date | datetime | None] | None:
    """Return (author, published) if the line is a byline and/or date line, else None."""
    s = line.strip()
    m = _BYLINE_WITH_DATE_RE.fullmatch(s)
    if m and _is_name(m.group("author")):
        return m.group("author").strip(), parse_date(s[m.start("date") :])
    m = _DATE_LINE_RE.fullmatch(s)
    if m:
        rest = (m.group("rest") or "").strip()
        # Only a short remainder (an image caption glued to the date) is allowed: a date that
        # starts a real sentence ("April 28, 2025 was the day ...") is not a date line.
        if not rest or (
            len(rest) <= 120 and not rest.endswith(".") and s[: m.start("date")].strip()
        ):
            return None, parse_date(s[m.start("date") :])
    m = _BYLINE_RE.fullmatch(s)
    if m and _is_name(m.group("author")):
        return m.group("author").strip(), None
    return None


def _is_bare_byline(line: str, next_line: str) -> bool:
    """A name alone on a line ("Olena Kovalenko"), directly followed by a date line."""
    s = line.strip()
    if not _BARE_NAME_RE.fullmatch(s) or not _is_name(s):
        return False
    meta = _match_byline_date(next_line)
    return meta is not None and meta[0] is None and meta[1] is not None


def _trailing_sidebar_start(lines: list[str], decided: dict[int, str]) -> int | None:
    """Index of a sidebar heading that opens the tail of the text, or None.

    Accepted only if (a) article text came before it and (b) the tail is shorter, in words, than
    the text before it - so a "Related" heading in the middle of a long text can never swallow
    the rest of the article.
    """
    body_words_before = 0
    words = {i: len(ln.split()) for i, ln in enumerate(lines) if i not in decided}
    total_words = sum(words.values())
    for i, n in words.items():
        # No heading in the table is longer than 50 characters ("more from " + 40).
        if body_words_before >= 30:
            s = lines[i].strip()
            if s and len(s) <= _MAX_SIDEBAR_HEADING_CHARS and SIDEBAR_HEADINGS.fullmatch(s):
                tail_words = total_words - body_words_before
                if tail_words < body_words_before:
                    return i
        body_words_before += n
    return None


# ---------------------------------------------------------------------------------------------
# Language (best effort; the importer may override it)
# ---------------------------------------------------------------------------------------------
_EN_WORDS = frozenset(
    ["the", "of", "and", "to", "in", "is", "that", "for", "on", "with", "was", "as", "by", "said"]
)
_UK_LETTERS_RE = re.compile("[іїєґІЇЄҐ]")
_LATIN_WORD_RE = re.compile(r"[a-z]+")


def lead_title(text: str, *, limit: int = 90) -> str:
    """A stand-in headline for a text that has none: its first sentence, cut at a word.

    Lists and queues need something to show; "(untitled)" five times over tells a reviewer
    nothing. The text itself is not changed.
    """
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return f"{cut}…"


def detect_language(text: str) -> str | None:
    """Best-effort ISO 639-1 language code from script and a few stop words, or None."""
    sample = text[:5000]
    n_letters, counts = letter_counts(sample)
    if n_letters < 20:
        return None

    def share(script: str) -> float:
        return counts[script] / n_letters

    if share("HANGUL") > 0.3:
        return "ko"
    if share("CJK") + share("HIRAGANA") + share("KATAKANA") > 0.3:
        return "ja" if share("HIRAGANA") + share("KATAKANA") > 0.05 else "zh"
    if share("ARABIC") > 0.3:
        return "ar"
    if share("CYRILLIC") > 0.3:
        return "uk" if _UK_LETTERS_RE.search(text) else "ru"
    words = _LATIN_WORD_RE.findall(sample.lower())
    if words and sum(map(_EN_WORDS.__contains__, words)) / len(words) > 0.08:
        return "en"
    return None


# ---------------------------------------------------------------------------------------------
# Main entry point
# ---------------------------------------------------------------------------------------------
def clean_text(
    raw: str,
    *,
    detect_title: bool = True,
    known_title: str | None = None,
    other_titles: Sequence[str] = (),
    drop_tweet_attributions: bool = True,
) -> CleanedText:
    """Clean copy-pasted article text; see the module docstring for the rules.

    ``detect_title=False`` skips the "first headline-like line is the title" rule (used after
    HTML extraction, where the title comes from the page metadata instead). ``known_title`` is
    a headline from metadata: one of the first lines repeating it is removed as the title.
    ``other_titles`` are the page's other headlines (<h1>, og:title ...): a first line
    repeating one of them is the headline too (removed; ``known_title`` stays the title).
    ``drop_tweet_attributions=False`` keeps "— Name (@handle) date" lines: after HTML extraction
    they close a quoted post that the extractor kept as one block, and name its source.
    """
    lines = normalize_text(raw).split("\n")
    decided: dict[int, str] = {}  # line index -> removal reason
    title: str | None = None
    byline: str | None = None
    published: date | datetime | None = None

    # 1. Whole-line boilerplate patterns, anywhere in the text.
    for i, ln in enumerate(lines):
        if reason := _pattern_reason(ln):
            decided[i] = reason

    # 2. A headline known from metadata, repeated in one of the first lines (extractors often
    #    keep the <h1>, sometimes after a one-line kicker or dateline paragraph).
    if known_title:
        headlines = [known_title, *(t for t in other_titles if t and t != known_title)]
        content = [i for i, ln in enumerate(lines) if ln.strip() and i not in decided]
        for i in content[:_TITLE_SEARCH_LINES]:
            if any(_is_title_line(lines[i], headline) for headline in headlines):
                title = known_title
                decided[i] = REASON_TITLE
                break

    # 3. Header zone: from the top until the first line that is article text.
    seen_header = title is not None  # title or byline/date found: captions may follow
    seen_meta = False  # a byline/date line was found: the headline is above it
    title_idx: int | None = None
    for i, ln in enumerate(lines):
        if i in decided or not ln.strip():
            continue
        nxt = next((x for x in lines[i + 1 :] if x.strip()), "")
        if _is_bare_byline(ln, nxt):
            byline = byline or ln.strip()
            decided[i] = REASON_BYLINE
            seen_header = seen_meta = True
            continue
        before_byline = _match_byline_date(nxt) is not None
        if (
            detect_title
            and not seen_meta
            and _looks_like_title(ln, before_byline=before_byline)
            and not _match_byline_date(ln)
        ):
            # A headline is followed by a blank line / byline / date - not glued to prose.
            glued = i + 1 < len(lines) and lines[i + 1].strip() and not _match_byline_date(nxt)
            # A second candidate replaces the first only when a byline/date line follows it.
            replaces = title_idx is not None and _match_byline_date(nxt) is not None
            if not glued and (title is None or replaces):
                if title_idx is not None:
                    # Two headline-like lines before the byline: the one nearest the byline is
                    # the headline, the earlier one is page header (site tagline, section name).
                    decided[title_idx] = REASON_PAGE_HEADER
                title, title_idx = ln.strip(), i
                decided[i] = REASON_TITLE
                seen_header = True
                continue
        meta = _match_byline_date(ln)
        if meta is not None:
            author, when = meta
            byline = byline or author
            published = published or when
            decided[i] = REASON_BYLINE
            seen_header = seen_meta = True
            continue
        if seen_header and _CAPTION_CREDIT_RE.search(ln.strip()):
            decided[i] = REASON_CAPTION
            continue
        if detect_title and title is None and _is_page_header(ln, lines[i + 1 :]):
            decided[i] = REASON_PAGE_HEADER
            continue
        break

    # 3b. No dated byline: a lead sentence dated with its weekday ("On Monday(4/28/25), ...")
    #     gives the day. The sentence is article text and stays.
    if published is None:
        lead = next((ln for i, ln in enumerate(lines) if ln.strip() and i not in decided), "")
        published = lead_sentence_date(lead)

    # 4. Ticker items, "Read more:" lists and tweet attributions, anywhere.
    for i, ln in enumerate(lines):
        if i in decided:
            continue
        s = ln.strip()
        # Each of the three patterns needs a ":" or "(@"; most lines are prose without either.
        if ":" not in s and "(@" not in s:
            continue
        if _RELATED_LIST_RE.fullmatch(s):
            # "Read more:" alone introduces a list of headlines that runs to the next blank line.
            decided[i] = REASON_RELATED
            j = i + 1
            while j < len(lines) and lines[j].strip():
                decided.setdefault(j, REASON_RELATED)
                j += 1
        elif _TICKER_RE.fullmatch(s):
            decided[i] = REASON_TICKER
            if i + 1 < len(lines) and lines[i + 1].strip() and i + 1 not in decided:
                decided[i + 1] = REASON_TICKER
        elif drop_tweet_attributions and _TWEET_ATTRIBUTION_RE.fullmatch(s):
            decided[i] = REASON_TWEET

    # 5. Trailing sidebar block ("News Feed", "Most popular", ...) to the end of the text.
    start = _trailing_sidebar_start(lines, decided)
    if start is not None:
        reason = _sidebar_reason(lines[start].strip())
        for i in range(start, len(lines)):
            if lines[i].strip():
                decided.setdefault(i, reason)

    kept = [ln for i, ln in enumerate(lines) if i not in decided]
    text = normalize_text("\n".join(kept))
    removed = [RemovedLine(i + 1, lines[i], r) for i, r in sorted(decided.items())]
    return CleanedText(
        text=text,
        title=title,
        byline=byline,
        published=published,
        removed=removed,
        language=detect_language(text),
    )
