"""HTML path: decoding, trafilatura extraction, headline removal, paragraph shape, metadata."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from annotations.text.decoding import UndecodableInput
from annotations.text.extraction import ExtractedArticle, extract_html

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "text" / "article_nocharset.html"
PARAGRAPH_STARTS = [
    "South Korea’s National Intelligence Service said on Wednesday",
    "The agency told lawmakers in Seoul",
    "“The returning troops bring combat experience",
    "Pyongyang has not commented on the report.",
    "Analysts in Tokyo and Washington said",
]


@pytest.fixture(scope="module")
def article() -> ExtractedArticle:
    # bytes with no declared charset: must be read as UTF-8 (curly quotes survive)
    return extract_html(FIXTURE.read_bytes())


def test_paragraphs_kept_in_order_separated_by_blank_lines(article):
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == len(PARAGRAPH_STARTS)
    starts = [p[: len(s)] for p, s in zip(paragraphs, PARAGRAPH_STARTS, strict=True)]
    assert starts == PARAGRAPH_STARTS
    assert "\n\n\n" not in article.text


def test_title_is_metadata_not_body(article):
    assert article.title == "Seoul: North Korean troops return from Kursk"
    assert "Seoul: North Korean troops return from Kursk" not in article.text
    assert [r.text for r in article.removed if r.reason == "title (moved to metadata)"] == [
        "Seoul: North Korean troops return from Kursk"
    ]


def test_no_boilerplate_in_body(article):
    for junk in ("Subscribe", "Related", "Kim inspects destroyer", "All rights reserved", "Home"):
        assert junk not in article.text


def test_utf8_without_declared_charset(article):
    assert "South Korea’s" in article.text  # not "South Koreaâ€™s" (cp1252 mojibake)


def test_metadata(article):
    assert article.url == "https://news.example.org/world/2025/04/30/north-korean-troops-kursk"
    assert article.byline == "Kim Ji-won"
    assert article.published in (date(2025, 4, 30), datetime(2025, 4, 30, 9, 15))
    assert article.language in (None, "en")


def test_str_and_bytes_give_the_same_text(article):
    assert extract_html(FIXTURE.read_text(encoding="utf-8")).text == article.text


def test_declared_legacy_charset_is_honoured():
    body = "".join(
        f"<p>Абзац номер {i}: українські військові повідомили про бої в Курській області, "
        f"де досі перебувають підрозділи КНДР, заявив речник Генштабу.</p>"
        for i in range(1, 6)
    )
    html = (
        '<html><head><meta charset="windows-1251"><title>Новини</title></head>'
        f"<body><article>{body}</article></body></html>"
    ).encode("cp1251")
    art = extract_html(html)
    assert "українські військові" in art.text
    assert art.text.count("\n\n") == 4


def test_binary_input_is_refused():
    with pytest.raises(UndecodableInput):
        extract_html(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def test_page_without_article_gives_empty_text():
    art = extract_html("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    assert art.text == ""
