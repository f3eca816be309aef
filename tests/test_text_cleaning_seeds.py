"""The five real seed articles: metadata found, every boilerplate line removed with a reason,
every article paragraph kept verbatim."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from annotations.text.cleaning import clean_text
from annotations.text.normalize import normalize_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

TITLE = "title (moved to metadata)"
BYLINE = "byline/date line (moved to metadata)"
CAPTION = "image caption/credit below the headline"
AUDIO = "audio player label"
APPEAL = "membership/donation appeal"
NAV = "navigation link"
CMS = "CMS editing link"
TICKER = "breaking-news ticker item (another story)"
SIDEBAR = "sidebar: 'News Feed' list of other headlines"
NEWS = "newsletter sign-up prompt"
AD = "advertisement marker"
CREDIT = "image credit/licence"
TWEET = "embedded tweet attribution"

# seed file prefix -> expected metadata, removed lines (line_no, start of text, reason) and the
# first words of every article paragraph, in order.
CASES = {
    "000": {
        "title": "'It's their own business' — China refuses to comment on North Korean troops "
        "fighting for Russia in Ukraine",
        "byline": "Yuliia Taradiuk",
        "published": datetime(2025, 4, 28, 15, 7),
        "removed": [
            (1, "Stand behind Ukrainian independent journalism", APPEAL),
            (3, "Skip to content", NAV),
            (4, "Edit post", CMS),
            (6, "'It's their own business'", TITLE),
            (8, "by Yuliia Taradiuk April 28, 2025 3:07 PM 2 min read", BYLINE),
            (9, "Chinese and Russian flags fly above the venue", CAPTION),
            (10, "This audio is created with AI assistance", AUDIO),
            (36, "BREAKING: Putin announces", TICKER),
            (37, "Russian President Vladimir Putin announced a so-called", TICKER),
            (39, "Independent journalism needs a community", APPEAL),
            (40, "not a paywall.", APPEAL),
            (42, "We’re working hard to show the world", APPEAL),
            (44, "Our goal: reach 20,000 members", APPEAL),
            (46, "Can we reach 20,000 members?", APPEAL),
            (48, "News Feed", SIDEBAR),
            (50, "2:36 PM", SIDEBAR),
            (52, "Zelensky meets Pope Leo XIV at Vatican.", SIDEBAR),
            (54, "Zelensky presented the pope", SIDEBAR),
            (55, "7:03 PM", SIDEBAR),
            (57, "Trump growing impatient with Russia", SIDEBAR),
            (59, '"If you put it together', SIDEBAR),
            (60, "MORE NEWS", SIDEBAR),
            (62, "Editors' Picks", SIDEBAR),
            (64, "Enter your email to subscribe", NEWS),
            (65, "Please, enter correct email address", NEWS),
            *[(n, "Subscribe", NEWS) for n in (66, 69, 72, 74, 76, 79, 82, 84)],
            *[(n, "* indicates required", NEWS) for n in (67, 68, 70, 71, 73, 75, 77, 81, 83, 85)],
            (86, "Explaining Ukraine with Kate Tsurkan", SIDEBAR),
            (87, "* indicates required", NEWS),
            (88, "Successfuly subscribed", NEWS),
            (89, "Thank you for signing up for this newsletter.", NEWS),
        ],
        "paragraphs": [
            "China has refused to comment",
            "Despite North Korea's pariah status",
            "But in a press briefing",
            "\"The Chinese government's position",
            "Earlier on April 28, North Korea confirmed",
            "Russia confirmed it on April 26",
            "In a statement reported by the state-run KCNA",
            "The announcement came as the acting commander",
            "President Volodymyr Zelensky said fighting",
            "While officially claiming neutrality",
            "Earlier this month, Ukrainian forces captured",
            "China has denied any direct involvement",
        ],
    },
    "001": {
        "title": "North Korea confirms for first time its troops fought war with Russia against "
        "Ukraine",
        "byline": None,
        "published": date(2025, 4, 28),
        "removed": [
            (1, "North Korea confirms for first time", TITLE),
            (2, "Apr 28, 2025", BYLINE),
        ],
        "paragraphs": [
            "Seoul [South Korea], April 28 North Korea",
            "The state news agency KCNA said",
            "This admission comes days after",
            "Putin has claimed that his country",
            "Russia's acknowledgement of North Korean troops",
            '"Kim Jong Un determined',
            "Kim signed the mutual Treaty",
            "According to the KCNA, Kim hailed",
            "He also said that a monument",
            "Meanwhile, the US State Department said",
        ],
    },
    "002": {
        "title": None,
        "byline": None,
        "published": date(2025, 4, 9),
        "removed": [
            (1, "date 2025-04-09 Vladimir Putin and Xi Jinping AP", BYLINE),
            *[(n, "Advertisement", AD) for n in (7, 23, 33, 41, 53)],
        ],
        "paragraphs": [
            "An international row has erupted",
            "President Volodymyr Zelenskyy shared a video",
            "Apparently Ukrainian troops clashed",
            "He also accused China",
            "China and Russia are close allies",
            "Zelenskyy said: “Russia’s involvement",
            "He added that Putin",
            "Russia previously recruited 12,000 soldiers",
            "They only fought in the battles",
            "Zelenskyy said the discovery",
            "He said: “There is a difference",
            "He also urged for a united response",
            "In a statement on social media",
            "China said it is working on verifying",
            "Its foreign ministry spokesman Lin Jian",
            "“Let me stress",
            "Meanwhile, Kremlin spokesperson Dmitry Peskov",
            "He said: “I cannot comment",
            "Moscow also refused",
            "The move comes as Donald Trump",
            "The US’s state department spokesperson",
            "She did not say if the White House",
        ],
    },
    "003": {
        "title": None,
        "byline": None,
        # From the lead sentence "On Monday(4/28/25), ..." (its weekday agrees), which stays.
        "published": date(2025, 4, 28),
        "removed": [(10, "Image is licensed under the Creative Commons", CREDIT)],
        "paragraphs": [
            "On Monday(4/28/25), North Korean state media",
            "The Korean Central News Agency (KCNA) reported",
            "Moscow also acknowledged",
            "The United States reacted",
            "Military analysts estimate",
            "Ukraine’s military has disputed",
            "This is North Korea’s first confirmed",
            "The confirmation comes at a time",
            "As the conflict continues",
        ],
    },
    "004": {
        "title": "North Korea finally admits they are helping Russia invade Ukraine",
        "byline": None,
        "published": None,
        "removed": [
            (1, "North Korea finally admits", TITLE),
            (16, "— SPRAVDI — Stratcom Centre (@StratcomCentre) April 28, 2025", TWEET),
        ],
        "paragraphs": [
            "North Korea has finally confirmed",
            "The Central Military Commission",
            "The commission stated",
            "“The operations for liberating",
            "Kim Jong Un reportedly commended",
            "The U.S. State Department responded",
            "A spokesperson urged Pyongyang",
            "Russian Chief of the General Staff",
            "However, Ukrainian officials have contested",
            "The development follows earlier",
            "Further evidence of North Korea’s involvement",
            "North Korea’s overt military engagement",
            # The embedded tweet's text is a quoted claim a reviewer may fact-check: it stays;
            # only its attribution line goes.
            "With North Korea now confirming its role",
            "Once again, our reports were accurate.",
        ],
    },
}


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(params=sorted(CASES), ids=lambda p: f"seed{p}")
def case(request):
    raw = _seed(request.param)
    return raw, clean_text(raw), CASES[request.param]


def test_metadata(case):
    _, cleaned, want = case
    assert cleaned.title == want["title"]
    assert cleaned.byline == want["byline"]
    assert cleaned.published == want["published"]
    assert cleaned.language == "en"


def test_every_boilerplate_line_removed_with_reason(case):
    raw, cleaned, want = case
    expected = sorted(want["removed"])
    got = [(r.line_no, r.reason) for r in cleaned.removed]
    assert got == [(n, reason) for n, _, reason in expected]
    norm_lines = normalize_text(raw).split("\n")
    for removed, (line_no, start, _) in zip(cleaned.removed, expected, strict=True):
        assert removed.text.strip().startswith(start), (line_no, removed.text)
        # line_no points into the normalised raw text, so an admin can restore the line there
        assert norm_lines[line_no - 1] == removed.text


def test_every_article_paragraph_kept_verbatim(case):
    raw, cleaned, want = case
    kept = [ln for ln in cleaned.text.split("\n") if ln.strip()]
    assert len(kept) == len(want["paragraphs"]), kept
    norm_lines = set(normalize_text(raw).split("\n"))
    for line, start in zip(kept, want["paragraphs"], strict=True):
        assert line.startswith(start)
        assert line in norm_lines  # verbatim: the same line exists in the (normalised) input


def test_removed_plus_kept_accounts_for_every_line(case):
    raw, cleaned, _ = case
    norm = [ln for ln in normalize_text(raw).split("\n") if ln.strip()]
    kept = [ln for ln in cleaned.text.split("\n") if ln.strip()]
    assert len(norm) == len(kept) + len(cleaned.removed)


def test_seed000_date_from_byline_line():
    cleaned = clean_text(_seed("000"))
    assert cleaned.published.date() == date(2025, 4, 28)
