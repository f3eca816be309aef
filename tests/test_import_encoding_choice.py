"""Imports record how bytes were decoded; a doubtful guess is shown and can be corrected."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations.models import Article, AuditEvent, ImportItem
from annotations.services import imports
from annotations.services.reencoding import ReencodeError, reencode_article
from tests.factories import make_annotation, make_article

pytestmark = pytest.mark.django_db

FRENCH = (
    "Selon le ministère, cette réforme coûterait près de trois milliards d'euros à l'État. "
    "Le gouvernement a déjà annoncé qu'il présenterait un projet de loi à la rentrée.\n\n"
    "« Nous verrons », a répondu la ministre, sans préciser le calendrier. Les syndicats ont "
    "dénoncé une mesure qui pèserait d'abord sur les ménages les plus modestes."
)
# English with one word whose letter reads as â in cp1252 and ā in cp1257: nothing decides.
AMBIGUOUS = (
    "The delegation met at the Château on Monday to discuss the ceasefire proposal. "
    "Officials said the talks were constructive but that no agreement had been reached, "
    "and that a second round would be held next week in the same place."
)


def import_files(user, files):
    job = imports.start_upload_import(user=user, files=files)
    imports.run_import_job(job_id=job.pk)
    return {i.name: i for i in ImportItem.objects.filter(job=job).exclude(status="expanded")}


def test_french_latin1_file_is_stored_as_french_with_its_encoding(admin_user):
    items = import_files(admin_user, [("fr.txt", FRENCH.encode("latin-1"))])
    article = items["fr.txt"].article
    assert "coûterait" in article.text and " à l'État" in article.text
    assert "ű" not in article.raw and "ŕ" not in article.raw
    assert (article.raw_encoding, article.encoding_doubtful) == ("cp1252", False)
    assert article.encoding_decision["method"] == "detected"


def test_utf8_and_jsonl_imports_record_no_guess(admin_user):
    jsonl = ('{"text": "' + FRENCH.replace("\n", "\\n") + ' (jsonl)"}\n').encode()
    items = import_files(admin_user, [("fr.txt", FRENCH.encode()), ("a.jsonl", jsonl)])
    utf8 = items["fr.txt"].article
    assert (utf8.raw_encoding, utf8.encoding_doubtful) == ("utf-8", False)
    from_json = items["a.jsonl:1"].article
    assert (from_json.raw_encoding, from_json.encoding_doubtful) == ("", False)


def test_doubtful_guess_is_shown_on_the_results_and_the_source_page(client, admin_user):
    items = import_files(admin_user, [("chateau.txt", AMBIGUOUS.encode("latin-1"))])
    item = items["chateau.txt"]
    article = item.article
    assert article.text.startswith(AMBIGUOUS[:40]) and article.encoding_doubtful
    assert article.encoding_decision["alternatives"]
    client.force_login(admin_user)
    progress = client.get(reverse("import-progress", args=[item.job_id])).json()
    row = next(r for r in progress["items"] if r["id"] == item.pk)
    assert row["encoding_doubtful"] is True and row["encoding"] == article.raw_encoding
    page = client.get(reverse("import-detail", args=[item.job_id])).content.decode()
    assert "encoding guessed as cp1252, doubtful" in page
    assert reverse("article-source", args=[article.pk]) + "#encoding" in page
    source = client.get(reverse("article-source", args=[article.pk])).content.decode()
    assert "doubtful" in source and 'name="encoding"' in source
    assert reverse("article-encoding", args=[article.pk]) in source
    # The detector's alternatives are offered first.
    first_option = source.split("<option", 2)[1]
    assert article.encoding_decision["alternatives"][0] in first_option


def test_confident_guess_is_not_flagged(client, admin_user):
    items = import_files(admin_user, [("fr.txt", FRENCH.encode("latin-1"))])
    client.force_login(admin_user)
    page = client.get(reverse("import-detail", args=[items["fr.txt"].job_id])).content.decode()
    assert "doubtful" not in page


def _garbled_article():
    """What the old detector stored: French latin-1 bytes read as cp1250, and not flagged."""
    raw = FRENCH.encode("latin-1").decode("cp1250")
    assert "coűterait" in raw
    return make_article(raw, raw=raw, raw_encoding="cp1250", encoding_doubtful=True)


def test_reimport_with_chosen_encoding_revises_and_reanchors(client, admin_user, alice):
    article = _garbled_article()
    start = article.text.index("Les syndicats")
    span = make_annotation(article, alice, start, start + len("Les syndicats"))
    client.force_login(admin_user)
    response = client.post(reverse("article-encoding", args=[article.pk]), {"encoding": "cp1252"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert "coûterait" in article.text and "à l'État" in article.text
    assert article.raw == FRENCH
    assert (article.raw_encoding, article.encoding_doubtful, article.revision) == (
        "cp1252",
        False,
        2,
    )
    assert article.encoding_decision["method"] == "chosen"
    span.refresh_from_db()
    assert article.text[span.start : span.end] == "Les syndicats"
    event = AuditEvent.objects.get(action="article.reencode")
    assert event.after["encoding"]["encoding"] == "cp1252"
    assert event.after["previous_encoding"]["encoding"] == "cp1250"
    assert article.revisions.count() == 1  # the garbled text is kept as revision 1


def test_reimport_with_the_same_reading_only_clears_the_doubt(admin_user):
    article = make_article(
        AMBIGUOUS.replace("Château", "Chateau"), raw_encoding="cp1252", encoding_doubtful=True
    )
    article = reencode_article(article_id=article.pk, encoding="cp1252", user=admin_user)
    assert (article.encoding_doubtful, article.revision) == (False, 1)
    assert AuditEvent.objects.filter(action="article.reencode").count() == 1


def test_reimport_refusals_are_clear(client, admin_user, alice):
    article = _garbled_article()
    with pytest.raises(ReencodeError, match="not valid utf-8"):
        reencode_article(article_id=article.pk, encoding="utf-8", user=admin_user)
    with pytest.raises(ReencodeError, match="unknown encoding"):
        reencode_article(article_id=article.pk, encoding="nope", user=admin_user)
    from_text = make_article(raw_encoding="")
    with pytest.raises(ReencodeError, match="arrived as text"):
        reencode_article(article_id=from_text.pk, encoding="cp1252", user=admin_user)
    client.force_login(admin_user)
    response = client.post(
        reverse("article-encoding", args=[article.pk]), {"encoding": "utf-8"}, follow=True
    )
    assert "not valid utf-8" in response.content.decode()
    assert Article.objects.get(pk=article.pk).revision == 1


def test_only_admins_may_reimport(client, alice):
    article = _garbled_article()
    client.force_login(alice)
    url = reverse("article-encoding", args=[article.pk])
    assert client.post(url, {"encoding": "cp1252"}).status_code == 403
    assert client.get(url).status_code in (403, 405)
    assert Article.objects.get(pk=article.pk).raw_encoding == "cp1250"
