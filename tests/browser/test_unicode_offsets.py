"""Offsets survive the UTF-16 (browser) / code point (server) boundary exactly."""

from __future__ import annotations

import pytest

from annotations.models import Annotation
from tests.browser.helpers import (
    highlight_text,
    login,
    open_article,
    saved_count,
    select_with_mouse,
    wait_saved,
)
from tests.factories import make_article, make_user

# Emoji (surrogate pairs), a flag (2 code points, 4 UTF-16 units), CJK, a combining accent
# (e + U+0301), curly quotes and line breaks, all before and inside the spans below.
TEXT = (
    "Kyiv 🇺🇦 said 👍 the \u201cliberation\u201d claim was false.\n"
    "\u5e73\u58e4 (Pyongyang) denied it; Jose\u0301 Ferna\u0301ndez estimated 4,000 🎯 losses.\n"
    "Officials \U0001f600 say 11,000 troops \U0001f1f0\U0001f1f7 were sent.\n"
    "Last line with \u201cquotes\u201d 🎉 here."
)

CASES = [
    ("the \u201cliberation\u201d claim", "claim"),  # after a flag and an emoji
    ("estimated 4,000 🎯 losses.", "estimate"),  # ends right before a line break
    ("Officials \U0001f600 say", "claim"),  # starts right after a line break
    ("Jose\u0301 Ferna\u0301ndez", "denial"),  # combining accents
    ("\u5e73\u58e4 (Pyongyang) denied", "denial"),  # CJK at a line start
    ("sent.\nLast line", "claim"),  # across a line break
]


@pytest.mark.parametrize(("phrase", "tag"), CASES)
def test_span_round_trips_in_code_points(page, live_server, phrase, tag):
    make_user("alice")
    article = make_article(TEXT)
    assert len(TEXT) != len(TEXT.encode("utf-16-le")) // 2  # the two units really differ
    login(page, live_server, "alice")
    open_article(page, live_server, article)

    select_with_mouse(page, phrase)
    before = saved_count(page)
    page.keyboard.press({"claim": "1", "denial": "2", "estimate": "3"}[tag])
    page.keyboard.press("Enter")
    wait_saved(page, before)

    stored = Annotation.objects.get()
    start = TEXT.index(phrase)  # Python counts code points, as the server does
    assert (stored.start, stored.end) == (start, start + len(phrase))
    assert TEXT[stored.start : stored.end] == stored.quote == phrase

    page.reload()
    page.wait_for_function("window.__workspaceReady > 0")
    assert highlight_text(page, stored.pk) == phrase
