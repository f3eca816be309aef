"""Hand-built plain-text fixtures with their exact expected cleaned output."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from annotations.text.cleaning import clean_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "text"


def _load(name: str) -> tuple[str, str]:
    # newline="" keeps CRLF as-is: the cleaner, not Python, must normalise line endings.
    with open(FIXTURES / f"{name}.txt", encoding="utf-8", newline="") as f:
        raw = f.read()
    with open(FIXTURES / f"{name}.expected.txt", encoding="utf-8", newline="") as f:
        expected = f.read()
    return raw, expected.rstrip("\n")


@pytest.mark.parametrize("name", ["wire_reuters", "related_cookies", "crlf_nbsp_nfd", "ukrainian"])
def test_exact_cleaned_output(name):
    raw, expected = _load(name)
    assert clean_text(raw).text == expected


def test_wire_story_metadata_and_reasons():
    raw, _ = _load("wire_reuters")
    c = clean_text(raw)
    assert (
        c.title
        == "Ukraine says North Korean troops still fighting in Kursk despite Moscow's claims"
    )
    assert c.byline == "Tom Balmforth and Olena Harmash"
    # "11:42 AM GMT+3": the zone is kept, so the instant is right once stored in UTC.
    assert c.published == datetime(2025, 4, 9, 11, 42, tzinfo=timezone(timedelta(hours=3)))
    reasons = {r.text: r.reason for r in c.removed}
    assert reasons["Skip to main content"] == "navigation link"
    assert reasons["Exclusive news, data and analytics for financial market professionals"] == (
        "page header above the headline (site tagline/section)"
    )
    assert reasons["Updated 2 hours ago"] == "relative timestamp"
    assert reasons["Advertisement · Scroll to continue"] == "advertisement marker"
    assert reasons["Read more:"] == "link to another article"
    assert reasons["Russia says Kursk region fully recaptured"] == "link to another article"
    assert reasons["Our Standards: The Thomson Reuters Trust Principles."] == (
        "wire-service credit/notice"
    )
    # the dateline belongs to the first paragraph and stays
    assert c.text.startswith("KYIV, April 9 (Reuters) - Ukraine's military said")


def test_related_and_cookie_page():
    raw, _ = _load("related_cookies")
    c = clean_text(raw)
    assert c.title == "Seoul says Pyongyang is preparing a new rotation of troops for Russia"
    assert c.published == datetime(2025, 4, 10, 8, 15)
    reasons = {r.text: r.reason for r in c.removed}
    assert reasons["Accept all cookies"] == "cookie banner"
    assert reasons["Related: North Korea confirms troops fought in Kursk"] == (
        "link to another article"
    )
    assert reasons["Kim Jong Un inspects new destroyer"] == (
        "sidebar: 'Most popular' list of other headlines"
    )
    # a quoted sentence containing "subscribe" is article text
    assert '"They will subscribe to whatever Moscow offers' in c.text


def test_crlf_nbsp_nfd():
    raw, _ = _load("crlf_nbsp_nfd")
    assert "\r\n" in raw and "E\u0301" in raw  # the fixture really is CRLF + decomposed
    c = clean_text(raw)
    assert "\r" not in c.text and "\u200b" not in c.text
    assert "Élysée" in c.text and "E\u0301" not in c.text  # NFC
    assert "Friday,\u00a0the" in c.text  # NBSP inside a line is kept, never collapsed
    assert c.title == "Zelensky meets Macron in Paris as Élysée pledges more air defence"
    assert c.byline == "Chloé Dubois"


def test_ukrainian_text():
    raw, _ = _load("ukrainian")
    c = clean_text(raw)
    assert c.title == "Розвідка: КНДР готує нову партію військових для Росії"
    assert c.byline == "Олена Коваленко"
    assert c.published == datetime(2025, 4, 28, 15, 7)
    assert c.language == "uk"
    reasons = {r.text: r.reason for r in c.removed}
    assert reasons["Перейти до основного змісту"] == "navigation link"
    assert reasons["Реклама"] == "advertisement marker"
    assert reasons["Читайте також: Китай відмовився коментувати участь КНДР у війні"] == (
        "link to another article"
    )
    assert reasons["Останні новини"] == "sidebar: 'Останні новини' list of other headlines"
