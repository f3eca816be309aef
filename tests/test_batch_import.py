"""JSONL lines are imported in batches, with every guarantee of the one-by-one import."""

from __future__ import annotations

import json

import pytest

from annotations.models import Article, ImportItem, ImportJob, ItemStatus, JobStatus, MinHashBand
from annotations.services import imports
from annotations.services.importing import batch, jobs
from tests.httpserver import paragraphs_for

pytestmark = pytest.mark.django_db


def body(n: int) -> str:
    return "\n\n".join(paragraphs_for(n) + paragraphs_for(n + 100))


def upload(user, records, name="batch.jsonl"):
    data = "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode()
    return imports.start_upload_import(user=user, files=[(name, data)])


def lines_of(job):
    return list(ImportItem.objects.filter(job=job, metadata__kind="jsonl").order_by("position"))


def test_a_big_file_is_imported_in_a_few_batches_with_few_queries(
    admin_user, django_assert_max_num_queries
):
    job = upload(admin_user, [{"text": body(i), "id": f"n-{i}"} for i in range(60)])
    # 60 lines, claimed as 1, 10, 40, 9: the work per batch is a constant number of queries,
    # not ~10 per article as one by one.
    with django_assert_max_num_queries(120):
        imports.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.imported, job.failed) == (JobStatus.SUCCEEDED, 60, 0)
    assert Article.objects.count() == 60
    assert MinHashBand.objects.count() == 60 * 32
    items = lines_of(job)
    assert all(i.article_id for i in items)
    assert len({i.article_id for i in items}) == 60
    article = Article.objects.get(source_id="n-7")
    assert article.text == imports_text(body(7)) and article.import_job_id == job.pk


def imports_text(raw: str) -> str:
    from annotations.services.importing.sources import draft_from_text

    return draft_from_text("x", raw).text


def test_exact_and_near_duplicates_inside_one_batch_and_across_batches(admin_user):
    original = "Original headline here\n\n" + body(1)
    edited = "A changed headline for it\n\n" + body(1).replace(
        "denied the report", "strongly rejected the report"
    )
    syndicated = body(1) + "\n\nThis story was first published by Example Wire."
    records = [{"text": original}, {"text": original}, {"text": edited}, {"text": syndicated}]
    records += [{"text": body(40 + i)} for i in range(12)]  # pushes the rest to a later batch
    records += [{"text": original}, {"text": edited.replace("strongly", "firmly")}]
    job = upload(admin_user, records)
    imports.run_import_job(job_id=job.pk)
    items = lines_of(job)
    first = items[0]
    assert first.status == ItemStatus.IMPORTED
    # the same text twice in one batch: the second is an exact duplicate of the first
    assert (items[1].status, items[1].duplicate_of_id, items[1].similarity) == (
        ItemStatus.DUPLICATE,
        first.article_id,
        1.0,
    )
    assert items[1].article_id is None
    # near duplicates inside the batch: stored, linked to the original with a score
    for near in (items[2], items[3]):
        assert near.status == ItemStatus.IMPORTED and near.article_id != first.article_id
        assert near.duplicate_of_id == first.article_id and 0.8 <= near.similarity < 1.0
        assert Article.objects.get(pk=near.article_id).near_duplicate_of_id == first.article_id
    # across batches (these two were claimed in a later batch than the first line)
    later_exact, later_near = items[-2], items[-1]
    assert later_exact.claimed_at != first.claimed_at
    assert (later_exact.status, later_exact.duplicate_of_id) == ("duplicate", first.article_id)
    assert later_near.status == "imported" and later_near.duplicate_of_id == first.article_id
    assert Article.objects.get(pk=later_near.article_id).near_duplicate_of_id == first.article_id
    assert Article.objects.count() == 3 + 12 + 1


def test_a_copy_of_a_copy_in_one_batch_is_linked_to_the_original(admin_user):
    stored = upload(admin_user, [{"text": body(3)}], name="first.jsonl")
    imports.run_import_job(job_id=stored.pk)
    original = Article.objects.get()
    copy = body(3).replace("denied the report", "rejected the report")
    job = upload(admin_user, [{"text": copy}, {"text": copy + "\n\nFirst published by X."}])
    imports.run_import_job(job_id=job.pk)
    a, b = lines_of(job)
    assert a.duplicate_of_id == original.pk and b.duplicate_of_id == original.pk


def test_a_bad_line_fails_only_that_item(admin_user):
    records = [
        {"text": body(1)},
        '{"text": "broken',
        {"title": "no text"},
        {"text": "too short"},
        "[1, 2]",
        {"text": body(2)},
    ]
    job = upload(admin_user, records)
    imports.run_import_job(job_id=job.pk)
    items = lines_of(job)
    assert [i.status for i in items] == [
        "imported", "failed", "failed", "failed", "failed", "imported",
    ]  # fmt: skip
    assert "malformed JSON" in items[1].error
    assert '"text" or an "html"' in items[2].error
    assert "too short" in items[3].error
    assert "JSON object" in items[4].error
    job.refresh_from_db()
    assert (job.status, job.imported, job.failed) == (JobStatus.PARTLY_FAILED, 2, 4)


def test_revision_by_url_and_by_id_inside_a_batch(admin_user):
    url = "https://news.example.org/story"
    v1 = body(5)
    v2 = v1.replace("denied the report", "confirmed the report")
    job = upload(
        admin_user,
        [
            {"text": v1, "url": url},
            {"text": body(6), "id": "wire-6"},
            {"text": v2, "url": url},  # the same URL later in the same batch: a revision
            {"text": body(6) + "\n\nCorrection: a name was misspelt.", "id": "wire-6"},
            {"text": v2, "url": url},  # and the same revision again: a duplicate
        ],
    )
    imports.run_import_job(job_id=job.pk)
    items = lines_of(job)
    assert [i.status for i in items] == ["imported", "imported", "revised", "revised", "duplicate"]
    article = Article.objects.get(url=url)
    assert items[2].article_id == article.pk and article.revision == 2
    assert article.text == imports_text(v2)
    assert items[4].duplicate_of_id == article.pk
    assert Article.objects.get(source_id="wire-6").revision == 2
    assert Article.objects.count() == 2


def test_a_taken_over_claim_in_a_batch_keeps_the_other_workers_outcome(admin_user):
    job = upload(admin_user, [{"text": body(i)} for i in range(5)])
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    container = jobs._claim_items(job.pk)[0]
    jobs._process_item(container, jobs._RunContext.load(job.pk))
    slow = jobs._claim_items(job.pk, limit=5)
    assert len(slow) == 5
    imports.requeue_stale_jobs(stale_after=0)  # the slow worker is presumed dead
    fast = jobs._claim_items(job.pk, limit=2)  # another worker takes two of its items
    scale = jobs._RunContext.load(job.pk).verdict_scale_id
    batch.process_batch(fast, job_id=job.pk, source="", scale_id=scale)
    # The slow worker's batch: two of its claims were taken over, three are pending again
    # (requeued), so it may store none of them.
    batch.process_batch(slow, job_id=job.pk, source="", scale_id=scale)
    assert Article.objects.count() == 2
    assert ImportItem.objects.filter(job=job, status="pending").count() == 3
    imports.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.imported, job.duplicates) == (JobStatus.SUCCEEDED, 5, 0)
    assert Article.objects.count() == 5


def test_a_batch_that_loses_a_race_is_redone_item_by_item(admin_user, monkeypatch):
    job = upload(admin_user, [{"text": body(i)} for i in range(3)])
    calls = []
    real = batch._decide_and_insert

    def racing(entries, **kwargs):
        calls.append(len(entries))
        if len(entries) > 1:  # another worker stored one of our texts at the same moment
            from django.db import IntegrityError

            raise IntegrityError("duplicate key value violates unique constraint")
        return real(entries, **kwargs)

    monkeypatch.setattr(batch, "_decide_and_insert", racing)
    imports.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.imported) == (JobStatus.SUCCEEDED, 3)
    assert calls == [1, 2, 1, 1]  # the first line alone, then a batch of two, redone
    assert Article.objects.count() == 3


def test_a_json_array_upload_is_imported_like_jsonl(admin_user):
    data = json.dumps([{"text": body(1), "title": "One"}, {"text": body(2)}]).encode()
    job = imports.start_upload_import(user=admin_user, files=[("two.json", data)])
    assert job.kind == "jsonl"
    imports.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.imported) == (JobStatus.SUCCEEDED, 2)
    assert Article.objects.filter(title="One").exists()
    bad = imports.start_upload_import(user=admin_user, files=[("bad.json", b"[{]")])
    imports.run_import_job(job_id=bad.pk)
    item = ImportItem.objects.get(job=bad)
    assert item.status == "failed" and "malformed JSON" in item.error
