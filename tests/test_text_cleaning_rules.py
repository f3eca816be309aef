"""Individual cleaning rules, especially the ones that must NOT fire."""

from __future__ import annotations

from datetime import date

import pytest

from annotations.text.cleaning import BOILERPLATE_PATTERNS, clean_text, parse_date

BODY = (
    "The ministry said on Tuesday that the talks would continue next week in Geneva, "
    "according to two officials familiar with the matter who spoke on condition of anonymity."
)


@pytest.mark.parametrize(
    "line",
    [
        '"Subscribe to the truth, not to propaganda," Zelensky told the crowd.',
        "Readers who subscribe to the paper's newsletter received the leaked memo first.",
        "Advertisement revenue fell by a third, the company said.",
        "“Read more: that is all I ask of my students,” she said.",
        "No.",
        "He refused.",
        "Kyiv.",
    ],
)
def test_article_sentences_survive(line):
    c = clean_text(f"{BODY}\n\n{line}\n\n{BODY}")
    assert line in c.text.split("\n")
    assert c.removed == []


def test_short_line_alone_is_not_removed():
    c = clean_text(f"{BODY}\n\nWhy now?\n\n{BODY}")
    assert "Why now?" in c.text


def test_sidebar_heading_mid_article_does_not_swallow_the_rest():
    tail = "\n\n".join([BODY] * 4)
    c = clean_text(f"{BODY}\n\nRelated\n\n{tail}")
    assert c.text.count(BODY) == 5


def test_sidebar_needs_article_text_before_it():
    c = clean_text(f"Most popular\n\n{BODY}")
    assert BODY in c.text


def test_caption_credit_only_below_headline():
    body_caption = "A photo released via Reuters showed the damaged bridge (Getty Images)"
    c = clean_text(f"{BODY}\n\n{body_caption}\n\n{BODY}")
    assert body_caption in c.text


def test_ticker_removes_headline_and_its_summary_only():
    c = clean_text(
        f"{BODY}\n\nBREAKING: Something else happened\nOne-line summary of it.\n\n{BODY}"
    )
    assert [r.text for r in c.removed] == [
        "BREAKING: Something else happened",
        "One-line summary of it.",
    ]
    assert c.text == f"{BODY}\n\n{BODY}"


def test_removed_lines_leave_single_blank_line():
    c = clean_text(f"{BODY}\n\nAdvertisement\n\n{BODY}")
    assert c.text == f"{BODY}\n\n{BODY}"


def test_headline_glued_to_prose_is_not_a_title():
    c = clean_text(f"Short first line without stop\n{BODY}")
    assert c.title is None
    assert c.text.startswith("Short first line without stop")


def test_date_in_body_is_not_metadata():
    c = clean_text(f"{BODY}\n\nApril 28, 2025\n\n{BODY}")
    assert c.published is None
    assert "April 28, 2025" in c.text


@pytest.mark.parametrize(
    "text,expected",
    [
        ("April 28, 2025", date(2025, 4, 28)),
        ("Apr 28, 2025", date(2025, 4, 28)),
        ("28 April 2025", date(2025, 4, 28)),
        ("2025-04-09", date(2025, 4, 9)),
        ("28 квітня 2025", date(2025, 4, 28)),
        ("nothing here", None),
        ("February 30, 2025", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_pattern_table_is_documented_and_ordered():
    assert all(isinstance(p, str) and reason for p, reason in BOILERPLATE_PATTERNS)
    assert BOILERPLATE_PATTERNS[0][1] == "navigation link"


@pytest.mark.parametrize(
    "first_line",
    [
        "Remember New Jersey’s epic quest to find a state slogan?",  # question opening a body
        "BAAR, SWITZERLAND",  # dateline
        "Staff Reports",
        "CLICK FOR FULL STATE SWIM RESULTS",
        (
            "Chelsea have this morning paid the £71.6million fee to the Spanish league "
            "this morning "
            "to secure the world record signing of Athletic Bilbao keeper Kepa Arrizabalaga"
        ),
    ],
)
def test_first_body_line_without_byline_is_not_taken_as_title(first_line):
    c = clean_text(f"{first_line}\n\n{BODY}")
    assert c.title is None
    assert c.text.startswith(first_line)


def test_headline_above_byline_may_end_with_question_mark():
    c = clean_text(f"Will the ceasefire hold?\n\nBy Anna Smith\n\n{BODY}")
    assert c.title == "Will the ceasefire hold?"
    assert c.byline == "Anna Smith"
    assert c.text == BODY


def test_lead_title_is_the_first_sentence_cut_at_a_word():
    from annotations.text import lead_title

    text = (
        "\n\nOn Monday(4/28/25), North Korean state media confirmed for the first time that "
        "troops from the country had been deployed to assist Russia. Leader Kim Jong Un..."
    )
    title = lead_title(text)
    assert title == (
        "On Monday(4/28/25), North Korean state media confirmed for the first time that troops…"
    )
    assert lead_title("Short one. Then more.") == "Short one."
