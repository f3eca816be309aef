"""Guess the legacy encoding of bytes that are not UTF-8 and declare nothing.

charset-normalizer alone gets European text wrong: on a French ISO-8859-1 file it ranks
cp1257 and cp1250 first ("coûterait" → "coűterait", "à" → "ŕ"), and on Polish cp1250 it
prefers cp1252. Its mess score only asks whether the decoded characters look like *some*
text; it does not ask whether they look like *one language*. That is what we add:

1. Decode the bytes (strictly) with each candidate: the common legacy encodings of European,
   Cyrillic, Greek, Turkish, Baltic, Hebrew, Arabic and Thai text, plus charset-normalizer's own
   candidates (which covers the multi-byte CJK encodings). Candidates that decode to the same
   text are one candidate: the first in ``PREFERENCE`` keeps it (so German text whose bytes
   read the same in cp1252 and cp1250 is cp1252, not "cp1250 because it ranked first").
2. Score each decoded text by its non-ASCII characters (ASCII reads the same in all of them):
   - a non-ASCII letter counts as plausible when the language of the text writes it. The
     language is taken from stop words when the ASCII words give it away ("le", "la", "que",
     "der", "und" ...), otherwise it is the one language whose alphabet covers most of the
     letters. Words in one non-Latin script (Cyrillic, Greek, CJK ...) are plausible when the
     word is written in that script only and is not cased like "оПЮБХРЕКЭ" (cp1251 read as
     KOI8-R swaps the case of every letter);
   - punctuation outside letters (“ ” ‘ ’ – — … « » € ° NBSP ...) is plausible; a symbol glued
     between letters ("¿ycie", Polish read as cp1252) is not.
3. The highest score wins; equal scores go to the earlier encoding in ``PREFERENCE``
   (cp1252 before cp1250: Western European text is the common case).
4. The guess is **doubtful** when its score is low or when another candidate, decoding to a
   different text, scores almost as well. The importer shows a doubtful guess to the admin.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise

__all__ = ["PREFERENCE", "Guess", "guess_encoding"]

# Order for breaking ties, most common first. Python codec names.
PREFERENCE: tuple[str, ...] = (
    "cp1252",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "koi8_u",
    "iso8859_5",
    "cp1257",
    "cp1254",
    "iso8859_15",
    "cp1253",
    "iso8859_7",
    "cp1255",
    "cp1256",
    "cp874",
    "mac_roman",
    "cp850",
    "latin_1",
)

# Below this score, or with a runner-up within DOUBT_MARGIN, the guess is shown as doubtful.
CONFIDENT_SCORE = 0.9
DOUBT_MARGIN = 0.1
# Score at most this many characters of each decoded text (the decision is made by then).
_SAMPLE_CHARS = 50_000

# Non-ASCII letters each language writes (lower case; upper case is matched through lower()).
ALPHABETS: dict[str, str] = {
    "fr": "àâæçéèêëîïôœùûüÿ",
    "de": "äöüß",
    "es": "áéíñóúü",
    "pt": "áàâãçéêíóôõú",
    "it": "àèéìíîòóùú",
    "ca": "àçèéíïòóúü",
    "nl": "áéëïóöüè",
    "sv": "åäöé",
    "da": "æøåé",
    "no": "æøåéô",
    "fi": "äöå",
    "is": "áðéíóúýþæö",
    "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "sl": "čšž",
    "hr": "čćđšž",
    "hu": "áéíóöőúüű",
    "ro": "ăâîșțşţ",
    "tr": "çğıöşüâî",
    "lt": "ąčęėįšųūž",
    "lv": "āčēģīķļņšūž",
    "et": "äõöüšž",
}

# A few very frequent short words per language: enough to tell which language a text is in
# from its ASCII words alone (the letters decide nothing there: they read the same everywhere).
STOP_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the of and to in is that for on with was as by said it he from at are have",
        "fr": "le la les de des du un une et est que qui pour dans sur pas il elle ce cette "
        "au aux en par ne se qu sont avec mais ont plus",
        "de": "der die das und ist nicht den dem ein eine zu mit sich auf des im von sie es "
        "auch wird sind hat",
        "es": "el la los las de del que y en un una es por con para se no su al como mas",
        "pt": "o a os as de do da dos das que e em um uma para com nao se por no na",
        "it": "il lo la gli le di del della che e un una per con non si sono al da in",
        "nl": "de het een en van in is dat op te zijn met voor niet aan er ook",
        "pl": "i w na z do nie jest to sie ze o jak po przez od dla tak za",
        "cs": "a v na je se z do ze to o jako po ale pro by od jsou tak",
        "sk": "a v na je sa z do to o ako po ale pre by od su tak",
        "hu": "a az es hogy nem egy is meg mint de ez van csak",
        "ro": "si in de la cu o un pe din care este nu sa au mai",
        "sv": "och att det som en av for med till den har inte om ett",
        "da": "og at det som en af for med til den har ikke om et er",
        "tr": "ve bir bu da de icin ile ne gibi daha cok",
    }.items()
}

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
# What a wrong decoding produces (a word in two scripts, "ministËre", "¿ycie", control
# characters) weighs this much more than a letter the language merely does not use.
_GROSS = 5
# Non-ASCII characters that are ordinary outside words in any language's text.
_PUNCTUATION = set("“”‘’‚„–—…«»‹›€£¥°§¶·•×÷±¢©®™ ¡¿¦¨¬¯´¸¹²³¼½¾")
# ... and those that may sit inside a word ("don’t", "l’État", "so‑called").
_IN_WORD_OK = set("’‘'·\u2011\u00ad")


@dataclass
class Guess:
    text: str
    encoding: str
    score: float
    doubtful: bool
    reason: str
    alternatives: list[str] = field(default_factory=list)


def _script(ch: str) -> str:
    cp = ord(ch)
    if cp < 0x250 or 0x1E00 <= cp <= 0x1EFF:
        return "latin"
    if 0x370 <= cp <= 0x3FF:
        return "greek"
    if 0x400 <= cp <= 0x52F:
        return "cyrillic"
    if 0x590 <= cp <= 0x5FF:
        return "hebrew"
    if 0x600 <= cp <= 0x6FF or 0x750 <= cp <= 0x77F:
        return "arabic"
    if 0xE00 <= cp <= 0xE7F:
        return "thai"
    if 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF or 0xFF66 <= cp <= 0xFF9F:
        return "kana"
    if 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3134F:
        return "han"
    if 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
        return "hangul"
    return "other"


# Han, kana and Hangul are written together in Japanese and Korean: one "script" for mixing.
_CJK = {"han", "kana", "hangul"}


def stop_word_language(text: str) -> str | None:
    """The language whose stop words are most frequent among the ASCII words, if clear."""
    # Whole words only: "středu" must not count as the fragments "st" and "edu".
    words = [w for w in _WORD_RE.findall(text.lower()) if w.isascii()]
    if len(words) < 3:
        return None
    hits = {lang: sum(1 for w in words if w in stops) for lang, stops in STOP_WORDS.items()}
    lang, best = max(hits.items(), key=lambda kv: kv[1])
    second = max(v for k, v in hits.items() if k != lang)
    if best >= 2 and best / len(words) >= 0.05 and best >= 1.3 * second:
        return lang
    return None


def _case_swapped(word: str) -> bool:
    """Upper case after lower case inside a word ("оПЮБХРЕКЭ", "ministËre")."""
    return any(a.islower() and b.isupper() for a, b in pairwise(word))


def _word_is_plausible_script(word: str) -> bool:
    """A non-Latin word: one script, and cased like a word."""
    scripts = {_script(ch) for ch in word}
    if "other" in scripts or (len(scripts) > 1 and not scripts <= _CJK):
        return False
    return not _case_swapped(word)


def plausibility(text: str) -> tuple[float, str | None]:
    """Share (0-1) of the non-ASCII characters that fit one language, and that language."""
    sample = text[:_SAMPLE_CHARS]
    latin_letters: dict[str, int] = {}
    good = bad = 0
    for m in _WORD_RE.finditer(sample):
        word = m.group(0)
        if word.isascii():
            continue
        if all(_script(ch) == "latin" for ch in word) and not _case_swapped(word):
            for ch in word:
                if not ch.isascii():
                    low = ch.lower()
                    latin_letters[low] = latin_letters.get(low, 0) + 1
        elif _word_is_plausible_script(word):
            good += sum(1 for ch in word if not ch.isascii())
        else:
            bad += _GROSS * sum(1 for ch in word if not ch.isascii())
    # Non-letters: fine between words, wrong when glued between two letters.
    for m in _NON_ASCII_RE.finditer(sample):  # ASCII reads the same in every candidate
        ch, i = m.group(0), m.start()
        if ch.isalpha() or ch.isspace():
            continue
        cat = unicodedata.category(ch)
        glued = 0 < i < len(sample) - 1 and sample[i - 1].isalpha() and sample[i + 1].isalpha()
        if glued and ch not in _IN_WORD_OK:
            bad += _GROSS
        elif ch in _PUNCTUATION or ch in _IN_WORD_OK or (cat[0] in "PZS" and cat != "So"):
            good += 1
        else:
            bad += _GROSS  # control characters, box drawing, private use ...
    language = None
    if latin_letters:
        total = sum(latin_letters.values())
        hinted = stop_word_language(sample)
        if hinted in ALPHABETS:
            language = hinted
        else:
            language = max(
                ALPHABETS,
                key=lambda lang: sum(n for ch, n in latin_letters.items() if ch in ALPHABETS[lang]),
            )
        covered = sum(n for ch, n in latin_letters.items() if ch in ALPHABETS[language])
        good += covered
        bad += total - covered
    if good + bad == 0:
        return 1.0, None
    return good / (good + bad), language


def _normalizer_candidates(data: bytes) -> list[str]:
    from charset_normalizer import from_bytes  # imported lazily: it is slowish to import

    names = []
    for match in from_bytes(data):
        names.append(match.encoding)
        names.extend(match.could_be_from_charset)
    return names


def guess_encoding(data: bytes, *, use_normalizer: bool | None = None) -> Guess | None:
    """The most plausible decoding of ``data`` (see the module docstring), or None.

    charset-normalizer's candidates are added when ``use_normalizer`` is True, or (None) when
    none of ``PREFERENCE`` decodes to plausible text: that is where multi-byte CJK encodings
    come in.
    """
    scored: list[tuple[float, int, str, str, str | None]] = []
    seen_texts: set[str] = set()

    def consider(names: list[str]) -> None:
        for name in names:
            if any(name == s[2] for s in scored):
                continue
            try:
                text = data.decode(name)
            except (UnicodeDecodeError, LookupError):
                continue
            if text in seen_texts:
                continue  # an earlier (preferred) encoding reads these bytes the same way
            seen_texts.add(text)
            score, language = plausibility(text)
            scored.append((score, -len(scored), name, text, language))

    consider(list(PREFERENCE))
    best_score = max((s[0] for s in scored), default=0.0)
    if use_normalizer or (use_normalizer is None and best_score < CONFIDENT_SCORE):
        consider(_normalizer_candidates(data))
    if not scored:
        return None
    ranked = sorted(scored, reverse=True)
    score, _order, name, text, language = ranked[0]
    close = [s[2] for s in ranked[1:] if s[0] >= score - DOUBT_MARGIN]
    doubtful = score < CONFIDENT_SCORE or bool(close)
    lang = f" ({language} letters)" if language else ""
    reason = f"detected {name}{lang}: {score:.0%} of the non-ASCII characters fit"
    if close:
        reason += f"; {', '.join(close[:3])} nearly as plausible"
    alternatives = close[:5] or [s[2] for s in ranked[1:4]]
    return Guess(text, name, score, doubtful, reason, alternatives)
