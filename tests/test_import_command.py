"""manage.py import_articles: queues one job; --wait says plainly when no worker runs."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from annotations.models import ImportItem, ImportJob, JobKind

pytestmark = pytest.mark.django_db


def test_paths_folders_and_urls_become_one_job(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "a.txt").write_text("a" * 300)
    (tmp_path / "dir" / "b.html").write_text("<p>b</p>")
    (tmp_path / "dir" / "skip.pdf").write_bytes(b"%PDF")
    (tmp_path / "c.jsonl").write_text(json.dumps({"text": "c"}))
    out = io.StringIO()
    call_command(
        "import_articles", str(tmp_path / "dir"), str(tmp_path / "c.jsonl"),
        "https://news.example/story", "--source", "CLI", stdout=out,
    )  # fmt: skip
    job = ImportJob.objects.get()
    assert f"Import job #{job.pk} queued (4 item(s))" in out.getvalue()
    assert (job.kind, job.source) == (JobKind.COMMAND, "CLI")
    assert sorted(ImportItem.objects.values_list("name", flat=True)) == [
        "a.txt", "b.html", "c.jsonl", "https://news.example/story"
    ]  # fmt: skip


def test_bad_targets_are_named(tmp_path):
    with pytest.raises(CommandError, match=r"nope\.txt: no such file"):
        call_command("import_articles", str(tmp_path / "nope.txt"))
    (tmp_path / "x.docx").write_bytes(b"x")
    with pytest.raises(CommandError, match=r"x\.docx: unsupported"):
        call_command("import_articles", str(tmp_path / "x.docx"))
    assert not ImportJob.objects.exists()


def test_wait_without_a_worker_says_so(tmp_path, settings):
    settings.IMPORT_NO_WORKER_WARNING_SECONDS = 1
    (tmp_path / "a.txt").write_text("a" * 300)
    out = io.StringIO()
    with pytest.raises(CommandError, match="did not finish"):
        call_command("import_articles", str(tmp_path / "a.txt"), "--wait", "--timeout", "2",
                     stdout=out)  # fmt: skip
    text = out.getvalue()
    assert "No worker picked the job up after 1 s" in text
    assert "celery -A factcheck worker" in text and "[" in text and "0%" in text
