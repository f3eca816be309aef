"""File imports (.txt, .html, .jsonl, .zip) run in-process: outcomes, cleaning kept, bad input."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from annotations.models import Article, ImportItem, ItemStatus, JobKind, JobStatus
from annotations.services import imports
from annotations.text import clean_text, decode_bytes, lead_title, normalize_text
from tests.httpserver import PARAGRAPHS, article_html, paragraphs_for

pytestmark = pytest.mark.django_db
SEEDS = sorted((Path(settings.BASE_DIR) / "seeds").glob("*.txt"))


def run(job):
    imports.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    return {i.name: i for i in ImportItem.objects.filter(job=job).exclude(status="expanded")}


def long_text(n: int) -> str:
    return "\n\n".join(paragraphs_for(n))


def test_seeds_import_with_metadata_raw_kept_and_every_kept_paragraph_stored(admin_user):
    job = imports.start_upload_import(
        user=admin_user, files=[(p.name, p.read_bytes()) for p in SEEDS], source="Seeds"
    )
    items = run(job)
    assert (job.status, job.imported, job.failed) == (JobStatus.SUCCEEDED, 5, 0)
    first = items[SEEDS[0].name].article
    assert first.title.startswith("'It's their own business'")
    assert first.byline == "Yuliia Taradiuk"
    assert first.published_at.date().isoformat() == "2025-04-28"
    for path in SEEDS:
        article = items[path.name].article
        raw = decode_bytes(path.read_bytes())
        assert article.raw == raw  # verbatim, not normalised
        cleaned = clean_text(raw)
        assert article.text == cleaned.text == normalize_text(article.text)
        assert "\r" not in article.text
        assert article.source == "Seeds" and len(article.minhash) == 128
        # A text without a headline is listed under its first sentence, never "(untitled)".
        assert article.title and article.title == (cleaned.title or lead_title(cleaned.text))
        # Every removed line is recorded with its line number and reason, and every other
        # non-blank line of the input is in the stored text.
        removed = {r["line_no"] for r in article.removed_lines}
        assert removed == {r.line_no for r in cleaned.removed}
        assert all(r["reason"] for r in article.removed_lines)
        for number, line in enumerate(normalize_text(raw).split("\n"), start=1):
            if line.strip() and number not in removed:
                assert line in article.text
    assert "Skip to content" not in first.text
    assert "Stand behind Ukrainian independent journalism" not in first.text


def test_reimporting_the_same_files_is_a_noop_reported_as_duplicate(admin_user):
    files = [(p.name, p.read_bytes()) for p in SEEDS[:2]]
    first = run(imports.start_upload_import(user=admin_user, files=files))
    job = imports.start_upload_import(user=admin_user, files=files)
    again = run(job)
    assert Article.objects.count() == 2
    assert job.status == JobStatus.SUCCEEDED and (job.imported, job.duplicates) == (0, 2)
    for name, item in again.items():
        assert item.status == ItemStatus.DUPLICATE
        assert item.duplicate_of_id == first[name].article_id and item.similarity == 1.0


def test_html_jsonl_and_zip_in_one_upload(admin_user):
    jsonl = "\n".join(
        [
            json.dumps({"text": long_text(1), "title": "From JSONL", "author": "A. Writer",
                        "published": "2025-03-01", "url": "https://example.org/1",
                        "source": "Wire", "id": "w-1"}),
            "",
            json.dumps({"html": article_html("HTML in JSONL", paragraphs_for(2))}),
            "{not json",
            json.dumps(["a list"]),
        ]
    ).encode()  # fmt: skip
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("docs/three.txt", "Headline Three\n\n" + long_text(3))
        zf.writestr("docs/four.html", article_html("Four", paragraphs_for(4)))
        zf.writestr("docs/notes.pdf", b"%PDF-1.4")
        zf.writestr("lines.jsonl", json.dumps({"text": long_text(5)}))
    job = imports.start_upload_import(
        user=admin_user,
        files=[
            ("page.html", article_html("A page title", paragraphs_for(0)).encode()),
            ("bulk.jsonl", jsonl),
            ("bundle.zip", archive.getvalue()),
        ],
    )
    items = run(job)
    assert job.status == JobStatus.PARTLY_FAILED
    page = items["page.html"].article
    assert page.raw_format == "html" and page.title == "A page title"
    assert page.byline == "Jane Doe" and PARAGRAPHS[0][:60] in page.text
    assert "All rights reserved" not in page.text and "World" not in page.text
    line1 = items["bulk.jsonl:1"].article
    assert (line1.title, line1.byline, line1.source, line1.source_id, line1.url) == (
        "From JSONL",
        "A. Writer",
        "Wire",
        "w-1",
        "https://example.org/1",
    )
    assert line1.published_at.date().isoformat() == "2025-03-01"
    assert items["bulk.jsonl:3"].article.title == "HTML in JSONL"
    assert "bulk.jsonl:2" not in items  # blank line: no item
    assert "bulk.jsonl:4: malformed JSON" in items["bulk.jsonl:4"].error
    assert "bulk.jsonl:5: each line must be a JSON object" in items["bulk.jsonl:5"].error
    assert items["bundle.zip/docs/three.txt"].status == ItemStatus.IMPORTED
    assert items["bundle.zip/docs/four.html"].status == ItemStatus.IMPORTED
    assert items["bundle.zip/lines.jsonl:1"].status == ItemStatus.IMPORTED
    assert "unsupported file type" in items["bundle.zip/docs/notes.pdf"].error
    assert (job.total, job.imported, job.failed) == (9, 6, 3)


def test_encodings_detected_binary_and_short_texts_refused(admin_user):
    cp1252 = ("Café crème\n\n" + long_text(7) + " Naïve façade, 10 €.").encode("cp1252")
    job = imports.start_upload_import(
        user=admin_user,
        files=[
            ("latin.txt", cp1252),
            ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20),
            ("short.txt", b"Too short to be an article."),
            ("empty.txt", b""),
        ],
    )
    items = run(job)
    assert "Naïve façade, 10 €." in items["latin.txt"].article.text
    assert "cannot be read as text" in items["image.txt"].error
    assert "too short" in items["short.txt"].error
    assert "no article text found" in items["empty.txt"].error
    assert job.status == JobStatus.PARTLY_FAILED


def test_zip_bombs_and_path_traversal_are_refused(admin_user, settings):
    settings.IMPORT_ZIP_MAX_RATIO = 50
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", b"a" * 5_000_000)
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../etc/cron.txt", long_text(8))
    absolute = io.BytesIO()
    with zipfile.ZipFile(absolute, "w") as zf:
        zf.writestr("/abs.txt", long_text(9))
    job = imports.start_upload_import(
        user=admin_user,
        files=[("bomb.zip", bomb.getvalue()), ("evil.zip", evil.getvalue()),
               ("abs.zip", absolute.getvalue()), ("broken.zip", b"PK\x03\x04 not really")],
    )  # fmt: skip
    items = run(job)
    assert "zip bomb" in items["bomb.zip"].error
    assert (
        "unsafe path" in items["evil.zip"].error and "../../etc/cron.txt" in items["evil.zip"].error
    )
    assert "unsafe path" in items["abs.zip"].error
    assert "not a valid zip" in items["broken.zip"].error
    assert job.status == JobStatus.FAILED and Article.objects.count() == 0


def test_requests_that_cannot_start_name_the_problem(admin_user, settings):
    settings.IMPORT_MAX_BYTES = 2048
    with pytest.raises(imports.ImportRequestError, match="No files"):
        imports.start_upload_import(user=admin_user, files=[])
    with pytest.raises(imports.ImportRequestError, match=r"report\.docx"):
        imports.start_upload_import(user=admin_user, files=[("report.docx", b"x")])

    class Stream(io.BytesIO):
        """A stream that records how much was read from it."""

        read_total = 0

        def read(self, n=-1):
            data = super().read(n)
            Stream.read_total += len(data)
            return data

    huge = Stream(b"a" * 1_000_000)
    with pytest.raises(imports.ImportRequestError, match=r"big\.txt is larger than the limit"):
        imports.start_upload_import(user=admin_user, files=[("big.txt", huge)])
    assert Stream.read_total <= 2049  # refused without reading it whole
    assert not ImportItem.objects.exists()


def test_job_kind_and_counts_for_a_single_jsonl(admin_user):
    data = "\n".join(json.dumps({"text": long_text(20 + i)}) for i in range(3)).encode()
    job = imports.start_upload_import(user=admin_user, files=[("x.jsonl", data)])
    assert job.kind == JobKind.JSONL and job.total == 1
    run(job)
    assert (job.total, job.seen, job.imported) == (3, 3, 3)
    assert imports.job_progress(job)["percent"] == 100
