"""After a revision an orphaned annotation keeps its old offsets (for the reviewer who fixes
it); no export may emit them as if they held for the current text."""

from __future__ import annotations

import csv
import io
import json

import pytest

from annotations.models import Annotation
from annotations.services.revisions import revise_article
from annotations.text import CleanedText
from tests.api_helpers import fast_passwords, session_client  # noqa: F401
from tests.factories import make_annotation, make_article
from tests.revision_texts import ARTICLE, EDITS, span

PROFILE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def body(response) -> str:
    assert response.status_code == 200, getattr(response, "content", b"")
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def revised(alice, carol):
    """Alice's "kremlin" span is orphaned by a real revision that deletes its sentence; her
    "liberate" span still holds."""
    article = make_article(ARTICLE)
    kremlin = make_annotation(article, alice, *span(ARTICLE, "kremlin"))
    liberate = make_annotation(article, alice, *span(ARTICLE, "liberate"))
    text = EDITS["sentence_deleted"]
    revise_article(
        article_id=article.pk, raw=text, raw_format="text", cleaned=CleanedText(text=text)
    )
    article.refresh_from_db()
    kremlin.refresh_from_db()
    liberate.refresh_from_db()
    assert kremlin.anchor_status == "orphaned" and liberate.anchor_status == "exact"
    # The stale offsets would point at unrelated text now.
    assert article.text[kremlin.start : kremlin.end] != kremlin.quote
    return {"article": article, "orphan": kremlin, "held": liberate}


def test_jsonl_marks_orphans_without_offsets(revised, carol):
    rows = [
        json.loads(line)
        for line in body(session_client(carol).get("/api/exports/annotations.jsonl")).splitlines()
    ]
    by_id = {r["id"]: r for r in rows}
    orphan = by_id[revised["orphan"].pk]
    assert orphan["orphaned"] is True
    assert orphan["start"] is None and orphan["end"] is None
    held = by_id[revised["held"].pk]
    assert held["orphaned"] is False
    assert revised["article"].text[held["start"] : held["end"]] == held["quote"]


def test_csv_marks_orphans_without_offsets(revised, carol):
    text = body(session_client(carol).get("/api/exports/annotations.csv"))
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(text))}
    orphan = rows[revised["orphan"].pk]
    assert orphan["orphaned"] == "True" and orphan["start"] == "" and orphan["end"] == ""
    assert rows[revised["held"].pk]["orphaned"] == "False"


def test_doccano_omits_orphans_from_labels(revised, carol):
    [line] = body(session_client(carol).get("/api/exports/doccano.jsonl")).splitlines()
    record = json.loads(line)
    held = revised["held"]
    assert record["label"] == [[held.start, held.end, held.tag]]
    assert [a["id"] for a in record["annotations"]] == [held.pk]
    assert [o["id"] for o in record["orphaned"]] == [revised["orphan"].pk]
    for start, end, _ in record["label"]:
        assert record["text"][start:end] == held.quote


def test_label_studio_omits_orphan_regions(revised, carol):
    [task] = json.loads(body(session_client(carol).get("/api/exports/labelstudio.json")))
    [annotation] = task["annotations"]
    regions = annotation["result"]
    assert {r["id"] for r in regions} == {f"fc{revised['held'].pk}"}
    for r in regions:
        assert task["data"]["text"][r["value"]["start"] : r["value"]["end"]] == r["value"]["text"]
    assert annotation["meta"]["orphaned_annotation_ids"] == [revised["orphan"].pk]


def test_web_annotation_of_an_orphan_has_only_the_quote_selector(revised, carol):
    collection = json.loads(body(session_client(carol).get("/api/exports/webannotation.jsonld")))
    items = {i["id"].rstrip("/").rsplit("/", 1)[1]: i for i in collection["first"]["items"]}
    orphan = items[str(revised["orphan"].pk)]
    assert [s["type"] for s in orphan["target"]["selector"]] == ["TextQuoteSelector"]
    held = items[str(revised["held"].pk)]
    position = held["target"]["selector"][1]
    assert position["type"] == "TextPositionSelector"
    assert revised["article"].text[position["start"] : position["end"]] == revised["held"].quote
    single = session_client(carol).get(
        f"/api/annotations/{revised['orphan'].pk}/", HTTP_ACCEPT=PROFILE
    )
    assert single.status_code == 200
    types = [s["type"] for s in single.json()["target"]["selector"]]
    assert types == ["TextQuoteSelector"]
    assert Annotation.objects.get(pk=revised["orphan"].pk).start == revised["orphan"].start
