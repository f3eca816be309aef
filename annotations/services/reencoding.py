"""Re-decode an article's input with an encoding an admin chose (a doubtful guess corrected).

The import stores the decoded input (``Article.raw``) and the codec it was decoded with
(``raw_encoding``); ``raw.encode(raw_encoding)`` gives the original bytes back exactly, because
the import decoded them strictly with that codec. Those bytes are decoded again with the chosen
encoding, cleaned like a fresh import, and saved through ``revise_article``, so the article's
annotations are re-anchored onto the corrected text like after any other revision, and the
change is audited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from annotations import text as textpipe
from annotations.models import Article, Via
from annotations.services.audit import record

__all__ = ["ENCODING_CHOICES", "ReencodeError", "encoding_choices", "reencode_article"]

# What the form offers (Python codec name, label), most common first.
ENCODING_CHOICES: list[tuple[str, str]] = [
    ("utf-8", "UTF-8"),
    ("cp1252", "Western European: windows-1252 / ISO-8859-1 (French, German, Spanish …)"),
    ("iso8859_15", "Western European: ISO-8859-15"),
    ("cp1250", "Central European: windows-1250 (Polish, Czech, Hungarian …)"),
    ("iso8859_2", "Central European: ISO-8859-2"),
    ("cp1251", "Cyrillic: windows-1251"),
    ("koi8_r", "Cyrillic: KOI8-R"),
    ("koi8_u", "Cyrillic: KOI8-U"),
    ("iso8859_5", "Cyrillic: ISO-8859-5"),
    ("cp1257", "Baltic: windows-1257"),
    ("cp1254", "Turkish: windows-1254"),
    ("cp1253", "Greek: windows-1253"),
    ("cp1255", "Hebrew: windows-1255"),
    ("cp1256", "Arabic: windows-1256"),
    ("cp874", "Thai: windows-874"),
    ("shift_jis", "Japanese: Shift_JIS"),
    ("euc_jp", "Japanese: EUC-JP"),
    ("gb18030", "Chinese: GB18030"),
    ("big5", "Chinese: Big5"),
    ("euc_kr", "Korean: EUC-KR"),
    ("mac_roman", "Mac Roman"),
]


class ReencodeError(ValueError):
    """The article cannot be re-decoded as asked; the message says why."""


def encoding_choices(article: Article) -> list[tuple[str, str]]:
    """The form's options: the detector's alternatives first, then the common encodings."""
    labels = dict(ENCODING_CHOICES)
    alternatives = (article.encoding_decision or {}).get("alternatives") or []
    first = [(name, labels.get(name, name)) for name in alternatives if name]
    rest = [choice for choice in ENCODING_CHOICES if choice[0] not in dict(first)]
    return first + rest


def reencode_article(*, article_id: int, encoding: str, user: Any, via: str = Via.UI) -> Article:
    """Decode the article's input bytes again with ``encoding`` and store the result.

    Raises ``ReencodeError`` when the article did not come from bytes (JSONL text), when
    ``encoding`` is unknown or cannot decode the bytes, or when the new text cannot become a
    revision (another article already has it).
    """
    from annotations.services.importing.sources import ItemError, draft_from_html, draft_from_text
    from annotations.services.revisions import RevisionError, revise_article

    article = Article.objects.get(pk=article_id)
    if not article.raw_encoding:
        raise ReencodeError(
            "This article's input arrived as text (e.g. a JSONL field), not as bytes: "
            "there is no encoding to choose."
        )
    try:
        data = article.raw.encode(article.raw_encoding)
    except (UnicodeEncodeError, LookupError):
        raise ReencodeError(
            f"The stored input cannot be turned back into bytes with {article.raw_encoding}."
        ) from None
    try:
        decoded = textpipe.decode_with(data, encoding)
    except textpipe.UndecodableInput as exc:
        raise ReencodeError(f"Cannot decode the input as {encoding}: {exc}.") from None
    name = f"article {article.pk}"
    try:
        if article.raw_format == "html":
            draft = draft_from_html(name, decoded.text, url=article.url)
        else:
            draft = draft_from_text(name, decoded.text)
    except ItemError as exc:
        raise ReencodeError(str(exc)) from None
    draft.set_decoding(decoded)
    old = {"encoding": article.raw_encoding, "doubtful": article.encoding_doubtful}
    new = {"encoding": decoded.encoding, "doubtful": False}
    try:
        result = revise_article(
            article_id=article.pk,
            raw=decoded.text,
            raw_format=article.raw_format,
            cleaned=draft,
            actor=user,
            via=via,
            action="article.reencode",
            details={"encoding": new, "previous_encoding": old},
        )
    except RevisionError as exc:
        raise ReencodeError(str(exc)) from None
    if result.new_revision == result.old_revision:
        # The text reads the same in both encodings: only the decision changes.
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=article.pk)
            article.raw = decoded.text
            article.raw_encoding = decoded.encoding
            article.encoding_doubtful = False
            article.encoding_decision = draft.encoding_decision
            article.save(
                update_fields=["raw", "raw_encoding", "encoding_doubtful", "encoding_decision"]
            )
            record(
                actor=user,
                via=via,
                action="article.reencode",
                obj=article,
                article_id=article.pk,
                before=old,
                after={**new, "text_changed": False},
            )
    return Article.objects.get(pk=article.pk)
