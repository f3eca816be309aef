"""decode_bytes: BOM, declared charset, UTF-8 default, detection, refusal of binary."""

from __future__ import annotations

import codecs

import pytest

from annotations.text.decoding import UndecodableInput, declared_charset, decode_bytes

UK = "Північна Корея вперше визнала участь своїх військових у війні. " * 3


def test_str_passes_through():
    assert decode_bytes("already text") == "already text"


@pytest.mark.parametrize(
    "bom,codec",
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_wins(bom, codec):
    assert decode_bytes(bom + UK.encode(codec)) == UK


def test_undeclared_utf8_is_utf8_not_cp1252():
    html = "<html><body><p>It’s “quoted” — Zelensky’s café</p></body></html>".encode()
    assert "It’s “quoted” — Zelensky’s café" in decode_bytes(html)


def test_meta_charset():
    html = f'<html><head><meta charset="windows-1251"></head><body>{UK}</body></html>'
    assert UK in decode_bytes(html.encode("cp1251"))


def test_meta_http_equiv():
    html = f'<meta http-equiv="Content-Type" content="text/html; charset=koi8-u"><p>{UK}</p>'
    assert UK in decode_bytes(html.encode("koi8-u"))


def test_xml_prolog():
    xml = '<?xml version="1.0" encoding="ISO-8859-2"?><rss><title>Zażółć gęślą</title></rss>'
    assert "Zażółć gęślą" in decode_bytes(xml.encode("iso-8859-2"))


def test_http_header_param_beats_document():
    data = "<p>Ça coûte cher</p>".encode("cp1252")
    assert decode_bytes(data, content_type="text/html; charset=windows-1252") == (
        "<p>Ça coûte cher</p>"
    )
    assert declared_charset(b"", "text/html; charset=UTF-8") == "utf-8"


def test_latin1_label_means_cp1252():
    data = b'<meta charset="iso-8859-1"><p>\x93smart quotes\x94</p>'
    assert "“smart quotes”" in decode_bytes(data)


def test_wrong_declaration_falls_back_to_detection():
    # declared UTF-8 but actually cp1251: the declaration fails, UTF-8 fails, detection decides
    data = ('<meta charset="utf-8"><p>' + UK * 3 + "</p>").encode("cp1251")
    assert UK * 3 in decode_bytes(data)


def test_undeclared_legacy_encoding_detected():
    data = (UK * 5).encode("cp1251")
    assert decode_bytes(data) == UK * 5


def test_nul_bytes_refused_with_clear_message():
    with pytest.raises(UndecodableInput, match="NUL bytes"):
        decode_bytes(b"%PDF-1.7\n\x00\x01\x02binary")


def test_low_printable_ratio_refused():
    with pytest.raises(UndecodableInput, match="printable"):
        decode_bytes(bytes([0x01, 0x02, 0x03, 0x1B, 0x7F]) * 200 + b"abc")


def test_empty():
    assert decode_bytes(b"") == ""
