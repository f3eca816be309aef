"""Every input kind end to end on a real Celery worker: upload, URLs, feed, command line."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from annotations import tasks
from annotations.models import Article, Feed, ImportJob, JobKind, JobStatus
from annotations.services import imports
from tests.httpserver import article_html, paragraphs_for, rss, serving
from tests.worker import running_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def finished(job: ImportJob) -> ImportJob:
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, what=f"import job {job.pk}")
    job.refresh_from_db()
    return job


def test_upload_urls_feed_and_command_on_a_real_worker(admin_user):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("z/one.txt", "\n\n".join(paragraphs_for(401)))
    jsonl = json.dumps({"text": "\n\n".join(paragraphs_for(402)), "title": "J"}) + "\n{oops\n"
    with serving() as site, running_worker(IMPORT_ALLOW_PRIVATE_URLS="1"):
        upload = imports.start_upload_import(
            user=admin_user,
            files=[("bundle.zip", archive.getvalue()), ("bulk.jsonl", jsonl.encode()),
                   ("page.html", article_html("Uploaded page", paragraphs_for(403)).encode())],
        )  # fmt: skip
        upload = finished(upload)
        assert (upload.status, upload.imported, upload.failed) == (JobStatus.PARTLY_FAILED, 3, 1)
        assert "bulk.jsonl:2: malformed JSON" in upload.items.get(status="failed").error

        page = site.add("/story", article_html("Served story", paragraphs_for(404)))
        pdf = site.add("/x.pdf", b"%PDF", content_type="application/pdf")
        urls = finished(imports.start_url_import(user=admin_user, urls=[page, pdf]))
        assert (urls.imported, urls.failed) == (1, 1)
        assert Article.objects.get(url=page).title == "Served story"

        entry = site.add("/entry", article_html("Feed entry", paragraphs_for(405)))
        site.add("/rss", rss([("e-1", entry, "Feed entry")]), content_type="application/rss+xml")
        imports.register_feed(user=admin_user, url=site.url("/rss"), source="Feedy")
        tasks.poll_due_feeds.delay()  # what beat sends; the worker creates and runs the job
        feed_job = wait_for(lambda: ImportJob.objects.filter(kind=JobKind.FEED).first(),
                            what="the feed job")  # fmt: skip
        feed_job = finished(feed_job)
        assert (feed_job.status, feed_job.imported) == (JobStatus.SUCCEEDED, 1)
        assert Article.objects.get(url=entry).source == "Feedy"
        assert Feed.objects.get().entries.count() == 1

        out = io.StringIO()
        seeds = Path(settings.BASE_DIR) / "seeds"
        call_command("import_articles", str(seeds), "--wait", "--timeout", "120", stdout=out)
        assert "100% 5/5  imported 5, duplicate 0, failed 0" in out.getvalue()
        assert "Succeeded" in out.getvalue()
        again = io.StringIO()
        call_command("import_articles", str(seeds), "--wait", "--timeout", "120", stdout=again)
        assert "imported 0, duplicate 5" in again.getvalue()
    assert Article.objects.count() == 3 + 1 + 1 + 5
