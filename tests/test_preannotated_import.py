"""Importing texts with their spans: ours, doccano and Label Studio; owners; cleaning moves."""

from __future__ import annotations

import json

import pytest

from annotations.models import (
    Annotation,
    Article,
    Assignment,
    AuditEvent,
    ImportItem,
    JobStatus,
)
from annotations.services import imports
from annotations.services.bulk_spans import PREANNOTATION_USERNAME
from tests.factories import make_user
from tests.httpserver import paragraphs_for

pytestmark = pytest.mark.django_db

TEXT = "\n\n".join(paragraphs_for(7))


def at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def run(user, records, name="pre.jsonl"):
    if name.endswith(".json"):
        data = json.dumps(records).encode()
    else:
        data = "\n".join(json.dumps(r) for r in records).encode()
    job = imports.start_upload_import(user=user, files=[(name, data)])
    imports.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    items = list(ImportItem.objects.filter(job=job, metadata__kind="jsonl").order_by("position"))
    return job, items


def test_our_format_with_reviewer_verdict_and_evidence(admin_user, alice):
    s1, e1 = at(TEXT, "denied the report")
    s2, e2 = at(TEXT, "Report 7")
    record = {
        "text": TEXT,
        "url": "https://example.org/pre",
        "spans": [
            {
                "start": s1, "end": e1, "tag": "Denial", "verdict": "false",
                "claimant": " The ministry ", "note": "n", "reviewer": "alice",
                "evidence_urls": ["https://example.org/e"], "claimant_type": "organization",
            },
            {"start": s2, "end": e2, "tag": "CLAIM"},
        ],
    }  # fmt: skip
    job, [item] = run(admin_user, [record])
    assert job.status == JobStatus.SUCCEEDED and item.status == "imported"
    article = Article.objects.get(pk=item.article_id)
    spans = {a.quote: a for a in Annotation.objects.filter(article=article)}
    denial = spans["denied the report"]
    assert (denial.start, denial.end, denial.tag) == (s1, e1, "denial")
    assert denial.reviewer == alice and denial.verdict.slug == "false"
    assert denial.claimant == "The ministry" and denial.evidence_urls == ["https://example.org/e"]
    assert denial.claimant_type == "organization"
    assert denial.prefix == article.text[s1 - 32 : s1]
    # No reviewer named: owned by the pre-annotation user, with no assignment.
    claim = spans["Report 7"]
    assert claim.reviewer.username == PREANNOTATION_USERNAME and not claim.reviewer.is_active
    assert list(Assignment.objects.filter(article=article).values_list("reviewer", "status")) == [
        (alice.pk, "in_progress")
    ]
    assert article.status == "in_review"
    events = AuditEvent.objects.filter(action="annotation.create", article_id=article.pk)
    assert events.count() == 2 and {e.actor_id for e in events} == {admin_user.pk}
    assert item.metadata["spans"]["imported"] == 2 and item.error == ""


def test_doccano_labels_and_entities_case_insensitive_with_unknown_labels_reported(admin_user):
    s1, e1 = at(TEXT, "denied the report")
    s2, e2 = at(TEXT, "Report 7")
    text2 = "\n\n".join(paragraphs_for(8))
    s3, e3 = at(text2, "Report 8")
    records = [
        {"text": TEXT, "label": [[s1, e1, "DENIAL"], [s2, e2, "claim"], [0, 3, "PERSON"]]},
        {
            "text": text2,
            "entities": [
                {"id": 1, "start_offset": s3, "end_offset": e3, "label": "Estimate"},
                {"id": 2, "start_offset": 5, "end_offset": 2, "label": "claim"},
            ],
        },
    ]
    _job, (first, second) = run(admin_user, records)
    assert (first.status, second.status) == ("imported", "imported")
    assert sorted(
        Annotation.objects.filter(article_id=first.article_id).values_list("tag", flat=True)
    ) == ["claim", "denial"]
    assert "span 3: unknown label 'PERSON'" in first.error
    assert first.metadata["spans"] == {
        "format": "doccano",
        "given": 2,
        "imported": 2,
        "problems": [first.error],
    }
    assert list(
        Annotation.objects.filter(article_id=second.article_id).values_list("tag", "quote")
    ) == [("estimate", "Report 8")]
    assert "span 2: [5:2] is not a non-empty range" in second.error


def test_label_studio_tasks_annotations_and_predictions(admin_user, bob):
    bob.email = "bob@example.org"
    bob.save()
    s1, e1 = at(TEXT, "denied the report")
    s2, e2 = at(TEXT, "Report 7")

    def result(start, end, label, text=None):
        value = {"start": start, "end": end, "labels": [label]}
        value["text"] = TEXT[start:end] if text is None else text
        return {"type": "labels", "from_name": "label", "to_name": "text", "value": value}

    task = {
        "id": 17,
        "data": {"text": TEXT, "url": "https://example.org/ls"},
        "annotations": [
            {"completed_by": {"id": 3, "email": "bob@example.org"}, "result": [
                result(s1, e1, "Denial"),
                {"type": "choices", "value": {"choices": ["ok"]}},
            ]},
            {"completed_by": 9, "result": [result(s2, e2, "Claim", text="wrong quote")]},
        ],
        "predictions": [{"model_version": "m1", "result": [result(s2, e2, "Claim")]}],
    }  # fmt: skip
    _job, [item] = run(admin_user, [task], name="export.json")
    assert item.status == "imported"
    rows = Annotation.objects.filter(article_id=item.article_id).select_related("reviewer")
    assert sorted((a.quote, a.reviewer.username) for a in rows) == [
        ("Report 7", PREANNOTATION_USERNAME),  # the prediction
        ("denied the report", "bob"),  # bob's annotation, matched by e-mail
    ]
    assert Article.objects.get(pk=item.article_id).url == "https://example.org/ls"
    assert "result of type 'choices' ignored" in item.error
    assert "the quote 'wrong quote' is not the text at" in item.error


def test_spans_follow_cleaning_or_are_rejected_never_misplaced(admin_user, alice):
    raw = (
        "\r\n\r\n".join(paragraphs_for(9))
        + "\r\n\r\nAdvertisement\r\n\r\nThe minister said the troops stayed home."
    )
    s1, e1 = at(raw, "troops stayed home")
    s2, e2 = at(raw, "Advertisement")
    s3, e3 = at(raw, "Report 9")
    spans = [
        {"start": s1, "end": e1, "tag": "claim", "reviewer": "alice"},
        {"start": s2, "end": e2, "tag": "claim", "reviewer": "alice"},
        {"start": s3, "end": e3, "tag": "claim", "reviewer": "alice"},
    ]
    _job, [item] = run(admin_user, [{"text": raw, "spans": spans}])
    article = Article.objects.get(pk=item.article_id)
    assert article.text != raw  # CRLF → LF and the advertisement marker removed
    rows = list(Annotation.objects.filter(article=article).order_by("start"))
    assert [a.quote for a in rows] == ["Report 9", "troops stayed home"]
    for a in rows:
        assert article.text[a.start : a.end] == a.quote
    assert rows[1].start < s1  # moved: the CRs before it are gone
    assert "span 2: cleaning changed the text" in item.error
    assert item.metadata["spans"]["imported"] == 2


def test_spans_of_an_exact_duplicate_are_not_imported_twice(admin_user):
    s1, e1 = at(TEXT, "Report 7")
    record = {"text": TEXT, "spans": [{"start": s1, "end": e1, "tag": "claim"}]}
    run(admin_user, [record])
    _job, [item] = run(admin_user, [record])
    assert item.status == "duplicate"
    assert Annotation.objects.count() == 1
    assert "span(s) not imported: the text is already stored" in item.error


def test_unknown_reviewers_and_bad_fields_are_reported_per_span(admin_user, alice):
    stranger = make_user("dave", role=None)
    s1, e1 = at(TEXT, "Report 7")
    s2, e2 = at(TEXT, "denied the report")
    spans = [
        {"start": s1, "end": e1, "tag": "claim", "reviewer": "dave"},
        {"start": s2, "end": e2, "tag": "claim", "verdict": "nonsense"},
        {"start": s2, "end": e2, "tag": "claim", "evidence_urls": ["ftp://x"]},
        {"start": "1", "end": 4, "tag": "claim"},
        {"start": s2, "end": e2, "tag": "claim", "claimant_type": "robot"},
    ]
    _job, [item] = run(admin_user, [{"text": TEXT, "spans": spans}])
    rows = list(Annotation.objects.filter(article_id=item.article_id))
    assert [(a.quote, a.reviewer.username) for a in rows] == [
        ("Report 7", PREANNOTATION_USERNAME)  # dave is no reviewer here
    ]
    assert stranger.pk not in {a.reviewer_id for a in rows}
    assert "reviewer 'dave' is not a reviewer here" in item.error
    assert "span 2: verdict" in item.error and "span 3: evidence_urls" in item.error
    assert "span 4: start and end must be whole numbers" in item.error
    assert "span 5: claimant_type" in item.error


def test_spans_of_a_revision_land_on_the_new_text_but_not_for_a_submitted_reviewer(
    admin_user, alice, bob
):
    from annotations.services.annotating import submit_article

    url = "https://example.org/rev"
    run(admin_user, [{"text": TEXT, "url": url}])
    article = Article.objects.get(url=url)
    submit_article(user=alice, article=article)
    v2 = TEXT.replace("denied the report", "confirmed the report")
    s1, e1 = at(v2, "confirmed the report")
    spans = [
        {"start": s1, "end": e1, "tag": "claim", "reviewer": "alice"},
        {"start": s1, "end": e1, "tag": "claim", "reviewer": "bob"},
    ]
    _job, [item] = run(admin_user, [{"text": v2, "url": url, "spans": spans}])
    assert item.status == "revised" and item.article_id == article.pk
    article.refresh_from_db()
    rows = list(Annotation.objects.filter(article=article))
    assert [(a.reviewer.username, a.quote) for a in rows] == [("bob", "confirmed the report")]
    assert article.text[rows[0].start : rows[0].end] == "confirmed the report"
    assert "span 1: alice submitted or was unassigned from this article" in item.error
