"""The admin-facing import pages: permissions, CSRF, forms, progress JSON, restoring lines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from annotations.models import Article, ImportJob
from annotations.services import imports
from tests.factories import make_annotation
from tests.httpserver import paragraphs_for

pytestmark = pytest.mark.django_db

SEED_LIKE = (
    "Skip to content\n\nA headline that is long enough to be one\n\nby Jane Roe April 28, 2025\n\n"
    + "\n\n".join(paragraphs_for(300))
    + "\n\nSubscribe to our newsletter"
)


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "name,args",
    [("imports", []), ("feeds", []), ("import-detail", [1]), ("import-progress", [1]),
     ("article-source", [1])],
)  # fmt: skip
def test_only_admins_may_use_import_pages(client, alice, charlie, carol, name, args):
    url = reverse(name, args=args)
    assert client.get(url).status_code == 302  # anonymous → login
    for user in (alice, charlie, carol):
        assert login(client, user).get(url).status_code == 403


def test_upload_through_the_page_and_watch_progress(client, admin_user):
    login(client, admin_user)
    page = client.get(reverse("imports"))
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content
    response = client.post(
        reverse("import-upload"),
        {"files": [SimpleUploadedFile("one.txt", SEED_LIKE.encode())], "source": "Desk"},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("import-detail", args=[job.pk])
    data = client.get(reverse("import-progress", args=[job.pk])).json()
    assert (data["status"], data["percent"], data["no_worker_warning"]) == ("queued", 0, False)
    # Nobody picked it up for longer than IMPORT_NO_WORKER_WARNING_SECONDS:
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    data = client.get(reverse("import-progress", args=[job.pk])).json()
    assert data["no_worker_warning"] and "./dev serve" in data["no_worker_message"]
    assert "celery -A factcheck worker" in data["no_worker_message"]
    detail = client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert "No worker has picked this job up" in detail
    imports.run_import_job(job_id=job.pk)
    data = client.get(reverse("import-progress", args=[job.pk])).json()
    assert (data["status"], data["percent"], data["imported"]) == ("succeeded", 100, 1)
    item = data["items"][0]
    assert item["status"] == "imported" and item["name"] == "one.txt"
    detail = client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert reverse("article-source", args=[item["article_id"]]) in detail


def test_bad_requests_show_the_reason(client, admin_user):
    login(client, admin_user)
    r = client.post(reverse("import-upload"), {"files": [SimpleUploadedFile("a.exe", b"MZ")]})
    assert r.status_code == 400 and "Unsupported file type: a.exe" in r.content.decode()
    r = client.post(reverse("import-urls"), {"urls": "notaurl"})
    assert r.status_code == 400 and "notaurl" in r.content.decode()
    r = client.post(reverse("feeds"), {"url": "gopher://x", "interval_minutes": "5"})
    assert r.status_code == 400 and "only http" in r.content.decode()
    assert not ImportJob.objects.exists()


def test_csrf_is_enforced(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post(reverse("import-urls"), {"urls": "https://a.example/"}).status_code == 403


def test_url_form_and_feed_registration(client, admin_user):
    login(client, admin_user)
    r = client.post(reverse("import-urls"), {"urls": "https://a.example/1\nhttps://a.example/2"})
    assert r.status_code == 302 and ImportJob.objects.get().total == 2
    r = client.post(reverse("feeds"), {"url": "https://a.example/rss", "interval_minutes": "15"})
    assert r.status_code == 302
    assert "https://a.example/rss" in client.get(reverse("feeds")).content.decode()


def test_removed_lines_are_shown_and_restored_as_a_new_revision(client, admin_user, alice):
    login(client, admin_user)
    job = imports.start_upload_import(user=admin_user, files=[("s.txt", SEED_LIKE.encode())])
    imports.run_import_job(job_id=job.pk)
    article = Article.objects.get()
    reasons = {r["text"]: r["line_no"] for r in article.removed_lines}
    assert "Subscribe to our newsletter" in reasons and "Skip to content" in reasons
    page = client.get(reverse("article-source", args=[article.pk])).content.decode()
    assert "Subscribe to our newsletter" in page and "Restore selected lines" in page
    old_text = article.text
    r = client.post(
        reverse("article-source", args=[article.pk]),
        {"line": [reasons["Subscribe to our newsletter"]]},
    )
    assert r.status_code == 302
    article.refresh_from_db()
    assert article.revision == 2 and article.text == old_text + "\n\nSubscribe to our newsletter"
    assert article.revisions.get().text == old_text
    assert "Subscribe to our newsletter" not in [r["text"] for r in article.removed_lines]

    # With annotations, restoring is a revision like any other: they are re-anchored.
    span = make_annotation(article, alice, 0, 5)
    page = client.get(reverse("article-source", args=[article.pk])).content.decode()
    assert "re-anchored" in page and "Restore selected lines" in page
    r = client.post(
        reverse("article-source", args=[article.pk]), {"line": [reasons["Skip to content"]]}
    )
    assert r.status_code == 302
    article.refresh_from_db()
    span.refresh_from_db()
    assert article.revision == 3 and "Skip to content" in article.text
    assert article.text[span.start : span.end] == span.quote
    assert span.anchor_status in ("exact", "moved")


def test_restoring_a_line_of_an_html_article_puts_it_back_in_place(admin_user):
    html = (
        "<html><head><title>T</title></head><body><article><h1>T</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs_for(301)[:3])
        + "<p>Subscribe to our newsletter</p>"
        + "".join(f"<p>{p}</p>" for p in paragraphs_for(301)[3:])
        + "</article></body></html>"
    )
    job = imports.start_upload_import(user=admin_user, files=[("p.html", html.encode())])
    imports.run_import_job(job_id=job.pk)
    article = Article.objects.get()
    removed = [r for r in article.removed_lines if r["text"] == "Subscribe to our newsletter"]
    assert removed, article.removed_lines
    imports.restore_removed_lines(
        article_id=article.pk, line_numbers=[removed[0]["line_no"]], user=admin_user
    )
    article.refresh_from_db()
    paragraphs = article.text.split("\n\n")
    assert paragraphs[3] == "Subscribe to our newsletter"
    assert paragraphs[2].startswith(paragraphs_for(301)[2][:30])
