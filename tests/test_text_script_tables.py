"""Script detection by code-point tables gives the same answers as unicodedata.name did."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.text.cleaning import _EN_WORDS, detect_language
from annotations.text.scripts import SCRIPT_LETTER_RANGES, build_letter_ranges

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


def detect_language_by_names(text: str) -> str | None:
    """The previous implementation (unicodedata.name per letter), kept as the reference."""
    import re

    letters = [ch for ch in text[:5000] if ch.isalpha()]
    if len(letters) < 20:
        return None
    names = [unicodedata.name(ch, "") for ch in letters]

    def share(prefix: str) -> float:
        return sum(1 for n in names if n.startswith(prefix)) / len(names)

    if share("HANGUL") > 0.3:
        return "ko"
    if share("CJK") + share("HIRAGANA") + share("KATAKANA") > 0.3:
        return "ja" if share("HIRAGANA") + share("KATAKANA") > 0.05 else "zh"
    if share("ARABIC") > 0.3:
        return "ar"
    if share("CYRILLIC") > 0.3:
        return "uk" if re.search("[іїєґІЇЄҐ]", text) else "ru"
    words = re.findall(r"[a-z]+", text[:5000].lower())
    if words and sum(1 for w in words if w in _EN_WORDS) / len(words) > 0.08:
        return "en"
    return None


def test_table_matches_this_pythons_unicode_database():
    assert build_letter_ranges() == SCRIPT_LETTER_RANGES


# Pools mixing the scripts the detector tells apart, so random texts land near its thresholds.
_POOLS = [
    "abcdefghijklmnopqrstuvwxyzéàüß ",
    "абвгдежзийклмнопрстуфхцчшщьюяіїєґ ",
    "가나다라마바사아자차카타파하한국어 ",
    "日本語中国漢字東京北京の ",
    "ひらがなカタカナアイウエオ ",
    "العربيةمرحبا ",
    "0123456789.,;:!?-—“”«» \n",
]
_WORDS = ["the", "of", "and", "said", "war", "troops", "Kursk", "Корея", "війна", "北朝鮮", "군대"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.sampled_from("".join(_POOLS)), max_size=80),
            st.sampled_from(_WORDS),
            st.text(max_size=20),  # any code point, letters of every script included
        ),
        max_size=60,
    )
)
def test_same_language_as_the_name_based_detector(parts):
    text = " ".join(parts)
    assert detect_language(text) == detect_language_by_names(text)


def test_same_language_on_seeds_and_shuffled_mixtures():
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    rng = random.Random(13)
    for _ in range(200):
        words = [w for t in rng.sample(texts, 2) for w in t.split()]
        rng.shuffle(words)
        texts.append(" ".join(words[: rng.randint(5, 400)]))
        pool = _POOLS[rng.randrange(6)]
        texts.append("".join(rng.choice(pool) for _ in range(rng.randint(0, 99))))
    for text in texts:
        assert detect_language(text) == detect_language_by_names(text)
    assert detect_language(texts[0]) is not None
