"""Undeclared legacy encodings: the language decides, and a doubtful guess says so."""

from __future__ import annotations

import pytest

from annotations.text.decoding import decode_document, decode_with
from annotations.text.encoding_guess import guess_encoding, plausibility

# The reported case: a French ISO-8859-1 .txt was stored as cp1250 ("coűterait", "ŕ").
FRENCH = (
    "Selon le ministère, cette réforme coûterait près de trois milliards d'euros à l'État.\n\n"
    "Le gouvernement a déjà annoncé qu'il présenterait un projet de loi à la rentrée. "
    "Où en est-on ? « Nous verrons », a répondu la ministre, sans préciser le calendrier."
)
GERMAN = (
    "Die Regierung hat am Dienstag angekündigt, dass die Maßnahmen für alle Bürger gelten "
    "würden. Über die Kosten wurde nicht gesprochen, sagte ein Sprecher des Ministeriums."
)
SPANISH = (
    "El ministro señaló que la inflación había subido un 3,5 % en el último año, según los "
    "datos oficiales publicados el miércoles por la mañana en Madrid."
)
POLISH = (
    "Rząd zapowiedział, że nowe przepisy wejdą w życie w przyszłym roku. Minister finansów "
    "powiedział, że koszt reformy wyniesie około dwóch miliardów złotych."
)
CZECH = (
    "Vláda ve středu oznámila, že nová opatření budou platit pro všechny občany. Ministr "
    "financí řekl, že náklady dosáhnou přibližně dvou miliard korun."
)
RUSSIAN = (
    "Правительство объявило в среду, что новые меры будут действовать для всех граждан. "
    "Министр финансов сказал, что расходы составят около двух миллиардов рублей."
)


@pytest.mark.parametrize(
    "text,codec",
    [
        (FRENCH, "latin-1"),
        (FRENCH, "cp1252"),
        (GERMAN, "latin-1"),
        (GERMAN, "cp1252"),
        (SPANISH, "latin-1"),
        (POLISH, "cp1250"),
        (POLISH, "iso-8859-2"),
        (CZECH, "cp1250"),
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8-r"),
    ],
)
def test_undeclared_legacy_text_is_read_in_the_encoding_its_language_needs(text, codec):
    decoded = decode_document(text.encode(codec))
    assert decoded.text == text
    assert decoded.method == "detected"
    assert not decoded.doubtful, decoded.reason
    # The stored text gives the input bytes back, so a later re-decode can start from it.
    assert decoded.text.encode(decoded.encoding) == text.encode(codec)


def test_reported_french_case_is_not_cp1250():
    decoded = decode_document("Cela coûterait cher à l'État, dit-il.".encode("latin-1"))
    assert "coûterait" in decoded.text and " à " in decoded.text
    assert "ű" not in decoded.text and "ŕ" not in decoded.text
    assert decoded.encoding == "cp1252"


def test_utf8_is_not_a_guess():
    decoded = decode_document(FRENCH.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.method, decoded.doubtful) == (
        FRENCH,
        "utf-8",
        "utf-8",
        False,
    )


def test_bytes_that_read_the_same_in_cp1252_and_cp1250_are_cp1252():
    # ä ö ü ß é sit at the same bytes in both: no reason to call German text Central European.
    assert guess_encoding(GERMAN.encode("cp1252")).encoding == "cp1252"


def test_wrong_readings_score_lower_than_the_right_one():
    data = FRENCH.encode("latin-1")
    right, _ = plausibility(data.decode("cp1252"))
    wrong, _ = plausibility(data.decode("cp1250"))
    assert right == 1.0 and wrong < 0.8
    polish = POLISH.encode("cp1250")
    assert plausibility(polish.decode("cp1252"))[0] < plausibility(polish.decode("cp1250"))[0]
    russian = RUSSIAN.encode("cp1251")
    assert plausibility(russian.decode("koi8-r"))[0] < 0.8  # "оПЮБХРЕКЭЯРБН": case swapped


def test_a_single_ambiguous_letter_is_a_doubtful_guess_with_alternatives():
    # "Château" alone: â is 0xE2, read as ā in cp1257, â in cp1252; nothing tells them apart.
    decoded = decode_document("Château".encode("latin-1"))
    assert decoded.text == "Château"
    assert decoded.doubtful
    assert decoded.alternatives and "nearly as plausible" in decoded.reason


def test_chosen_encoding_decodes_and_refuses_what_it_cannot():
    data = POLISH.encode("cp1250")
    assert decode_with(data, "windows-1250").text == POLISH
    assert decode_with(data, "windows-1250").method == "chosen"
    with pytest.raises(ValueError, match="unknown encoding"):
        decode_with(data, "no-such-codec")
    with pytest.raises(ValueError, match="not valid utf-8"):
        decode_with(data, "utf-8")
