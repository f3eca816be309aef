"""normalize_text: NFC, newlines, trailing spaces, blank-line runs, invisible characters."""

from __future__ import annotations

import unicodedata

import pytest

from annotations.text.normalize import normalize_text


def test_nfc():
    decomposed = unicodedata.normalize("NFD", "Élysée café Київ")
    assert decomposed != "Élysée café Київ"
    assert normalize_text(decomposed) == "Élysée café Київ"


@pytest.mark.parametrize("raw", ["a\r\nb\r\n", "a\rb\r", "a\nb\n", "a\u2028b"])
def test_line_endings(raw):
    assert normalize_text(raw) == "a\nb"


def test_trailing_spaces_stripped_inner_spaces_kept():
    raw = "two  spaces   inside \t\nNBSP\u00a0inside\u00a0\u00a0\n\tindented stays"
    assert normalize_text(raw) == "two  spaces   inside\nNBSP\u00a0inside\n\tindented stays"


def test_blank_line_runs_collapse_to_one():
    assert normalize_text("a\n\n\n\n\nb\n\nc\nd") == "a\n\nb\n\nc\nd"
    assert normalize_text("a\n \n\t\n\nb") == "a\n\nb"  # whitespace-only lines count as blank


def test_invisible_and_control_characters_removed():
    raw = "zero\u200bwidth\ufeff soft\u00adhyphen bell\x07 tab\tkept \u200e"
    assert normalize_text(raw) == "zerowidth softhyphen bell tab\tkept"


def test_zwj_in_emoji_kept():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert normalize_text(family) == family


def test_idempotent():
    raw = "  A\r\n\r\n\r\nB\u200b \u00a0\nC\u0301"
    once = normalize_text(raw)
    assert normalize_text(once) == once
