"""Bulk exports: JSONL, CSV, ClaimReview, Web Annotation, doccano, Label Studio; streamed."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc

import pytest

from annotations.api import exports
from annotations.models import Annotation, Article, VerdictLabel
from tests.api_helpers import fast_passwords, make_final, session_client  # noqa: F401
from tests.factories import make_annotation, make_article


def body(response) -> str:
    assert response.status_code == 200, getattr(response, "content", b"")
    assert response.streaming
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def data(alice, bob, carol):
    emoji = make_article(text="🙂🙂 The mayor said =SUM(1) people came. Others said 10.")
    plain = make_article(url="https://n.example/2")
    false = VerdictLabel.objects.get(scale=plain.verdict_scale, slug="false")
    start = emoji.text.index("The mayor")
    a = make_annotation(emoji, alice, start, start + 9, verdict=false, note="=HYPERLINK()")
    b = make_annotation(plain, bob, 0, 5, verdict=false, claimant="Ann")
    c = make_annotation(plain, alice, 6, 11)
    gone = make_annotation(plain, alice, 14, 20, deleted_at=plain.created_at)
    final = make_final(plain, carol, 0, 5, verdict=false, claimant="Ann")
    Article.objects.filter(pk=plain.pk).update(status="published")
    return {"emoji": emoji, "plain": plain, "a": a, "b": b, "c": c, "gone": gone, "final": final}


def test_annotations_jsonl(data, carol):
    response = session_client(carol).get("/api/exports/annotations.jsonl")
    assert response["Content-Type"] == "application/x-ndjson"
    assert response["Content-Disposition"].startswith('attachment; filename="annotations-')
    rows = [json.loads(line) for line in body(response).splitlines()]
    assert [r["id"] for r in rows] == [data[k].pk for k in ("a", "b", "c", "final")]
    assert rows[0]["quote"] == "The mayor" and rows[0]["verdict"] == "false"


def test_exports_apply_filters_and_visibility(data, alice, carol):
    rows = body(session_client(carol).get("/api/exports/annotations.jsonl?reviewer=bob"))
    assert [json.loads(r)["id"] for r in rows.splitlines()] == [data["b"].pk]
    mine = body(session_client(alice).get("/api/exports/annotations.jsonl"))
    # Alice sees her own work and the published final, never bob's (blind review).
    assert {json.loads(r)["reviewer"] for r in mine.splitlines()} == {"alice", "carol"}
    bad = session_client(carol).get("/api/exports/annotations.jsonl?created_after=soon")
    assert bad.status_code == 400 and "created_after" in bad.json()["errors"]


def test_annotations_csv_escapes_formulas(data, carol):
    response = session_client(carol).get("/api/exports/annotations.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert len(rows) == 4
    assert rows[0]["quote"] == "The mayor" and rows[0]["note"] == "'=HYPERLINK()"
    assert rows[1]["claimant"] == "Ann" and rows[1]["article_url"] == "https://n.example/2"


def test_claimreview_export_covers_published_finals(data, alice, carol):
    lines = body(session_client(carol).get("/api/exports/claimreview.jsonl")).splitlines()
    reviews = [json.loads(line) for line in lines]
    assert len(reviews) == 1 and reviews[0]["@type"] == "ClaimReview"
    assert reviews[0]["claimReviewed"] == data["plain"].text[0:5]
    as_array = json.loads(body(session_client(carol).get("/api/exports/claimreview.json")))
    assert as_array == reviews


def test_claimreview_unpublished_only_for_adjudicators(alice, carol):
    article = make_article()
    false = VerdictLabel.objects.get(scale=article.verdict_scale, slug="false")
    make_final(article, carol, 0, 5, verdict=false)
    url = "/api/exports/claimreview.jsonl?include_unpublished=true"
    assert len(body(session_client(carol).get(url)).splitlines()) == 1
    assert body(session_client(alice).get(url)) == ""


def test_web_annotation_collection(data, carol):
    response = session_client(carol).get("/api/exports/webannotation.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    collection = json.loads(body(response))
    assert collection["type"] == "AnnotationCollection"
    items = collection["first"]["items"]
    assert collection["first"]["type"] == "AnnotationPage" and len(items) == 4
    assert {i["motivation"] for i in items} == {"assessing", "tagging"}


def test_empty_exports_are_valid(carol):
    assert json.loads(body(session_client(carol).get("/api/exports/labelstudio.json"))) == []
    collection = json.loads(body(session_client(carol).get("/api/exports/webannotation.jsonld")))
    assert collection["first"]["items"] == []


def test_doccano_jsonl_per_article_in_code_points(data, carol):
    lines = body(session_client(carol).get("/api/exports/doccano.jsonl")).splitlines()
    docs = {d["id"]: d for d in map(json.loads, lines)}
    emoji = docs[data["emoji"].pk]
    [[start, end, tag]] = emoji["label"]
    assert emoji["text"][start:end] == "The mayor" and tag == "claim"
    assert len(docs[data["plain"].pk]["label"]) == 3  # b, c and the final (not the deleted one)
    only_final = body(session_client(carol).get("/api/exports/doccano.jsonl?kind=final"))
    assert [d["label"] for d in map(json.loads, only_final.splitlines())] == [[[0, 5, "claim"]]]


def test_label_studio_tasks(data, carol):
    tasks = json.loads(body(session_client(carol).get("/api/exports/labelstudio.json")))
    task = next(t for t in tasks if t["data"]["article_id"] == data["plain"].pk)
    by_reviewer = {a["meta"]["reviewer"]: a for a in task["annotations"]}
    assert set(by_reviewer) == {"alice", "bob", "carol"}
    assert by_reviewer["carol"]["ground_truth"] is True
    bob = by_reviewer["bob"]["result"]
    assert [r["type"] for r in bob] == ["labels", "choices"]
    assert bob[0]["value"] == {"start": 0, "end": 5, "text": "North", "labels": ["claim"]}
    assert bob[1]["value"]["choices"] == ["false"] and bob[0]["id"] == bob[1]["id"]


def test_label_studio_utf16_offsets_on_request(data, carol):
    url = "/api/exports/labelstudio.json?offsets=utf16&article={}".format(data["emoji"].pk)
    [task] = json.loads(body(session_client(carol).get(url)))
    value = task["annotations"][0]["result"][0]["value"]
    assert (value["start"], value["end"]) == (data["a"].start + 2, data["a"].end + 2)
    utf16 = task["data"]["text"].encode("utf-16-le")
    assert utf16[value["start"] * 2 : value["end"] * 2].decode("utf-16-le") == "The mayor"
    bad = session_client(carol).get("/api/exports/labelstudio.json?offsets=bytes")
    assert bad.status_code == 400


def _peak_memory_of_export(client, url) -> int:
    tracemalloc.start()
    try:
        size = 0
        for chunk in client.get(url).streaming_content:
            size += len(chunk)  # consumed and dropped, as a client would
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 0
    return peak


def test_exports_stream_with_constant_memory(alice, carol, monkeypatch):
    """Ten times the rows must not take much more memory: rows are never all loaded."""
    monkeypatch.setattr(exports, "CHUNK", 100)
    article = make_article()
    template = make_annotation(article, alice, 0, 5)
    client = session_client(carol)
    url = "/api/exports/annotations.jsonl"
    # Warm caches (templates, url resolvers) outside the measurement, reading the stream to
    # its end: a stream left half-read keeps its server-side cursor open until garbage
    # collection, which can then close it in the middle of another query and hang psycopg.
    assert b"".join(client.get(url).streaming_content)

    def grow_to(n):
        missing = n - Annotation.objects.count()
        Annotation.objects.bulk_create(
            [
                Annotation(
                    article=article,
                    reviewer=alice,
                    start=0,
                    end=5,
                    quote=template.quote,
                    tag="claim",
                    note="x" * 200,
                )
                for _ in range(missing)
            ]
        )

    grow_to(300)
    small = _peak_memory_of_export(client, url)
    grow_to(3000)
    large = _peak_memory_of_export(client, url)
    assert large < small * 2, (small, large)


@pytest.mark.parametrize(
    "path",
    [
        "/api/exports/annotations.jsonl",
        "/api/exports/annotations.csv",
        "/api/exports/doccano.jsonl",
        "/api/exports/labelstudio.json",
        "/api/exports/webannotation.jsonld",
        "/api/exports/claimreview.jsonl",
    ],
)
def test_a_filter_given_twice_is_refused_not_half_applied(data, carol, path):
    response = session_client(carol).get(f"{path}?verdict=false&verdict=true")
    assert response.status_code == 400
    assert response.json()["errors"] == {"verdict": ["Give this parameter once."]}
