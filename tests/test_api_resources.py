"""Articles, verdict scales, import jobs and agreement reports over the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from annotations.models import AgreementReport, Article, ImportJob
from tests.api_helpers import fast_passwords, results, session_client, token_client  # noqa: F401
from tests.factories import make_article


def test_article_list_filters(alice):
    old = make_article(source="Wire A", published_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    new = make_article(
        text="A budget of 5 billion was approved by the council today.",
        source="Wire B",
        published_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
        status="published",
    )
    client = token_client(alice, scope="read")
    ids = lambda q: [r["id"] for r in results(client.get(f"/api/articles/?{q}"))]  # noqa: E731
    assert ids("") == [new.pk, old.pk]  # newest first
    assert ids("source=Wire%20A") == [old.pk]
    assert ids("published_after=2025-01-01T00:00:00Z") == [new.pk]
    assert ids("published_before=2025-01-01T00:00:00Z") == [old.pk]
    assert ids("status=published") == [new.pk]
    assert ids("q=budget") == [new.pk]
    assert "text" not in results(client.get("/api/articles/"))[0]
    detail = client.get(f"/api/articles/{new.pk}/").json()
    assert detail["text"].startswith("A budget") and detail["verdict_scale"] == "truth-o-meter"


def test_article_import_job_filter(admin_user, alice):
    job = ImportJob.objects.create(kind="upload", created_by=admin_user)
    imported = make_article(import_job=job)
    make_article()
    rows = results(token_client(alice, scope="read").get(f"/api/articles/?import_job={job.pk}"))
    assert [r["id"] for r in rows] == [imported.pk]


def test_assigned_mode_hides_unassigned_articles(alice, settings):
    settings.FACTCHECK_ASSIGNMENT_MODE = "assigned"
    article = make_article()
    client = token_client(alice, scope="read")
    assert results(client.get("/api/articles/")) == []
    assert client.get(f"/api/articles/{article.pk}/").status_code == 404


def test_verdict_scales_with_labels(alice):
    rows = results(token_client(alice, scope="read").get("/api/verdict-scales/"))
    scale = next(r for r in rows if r["slug"] == "truth-o-meter")
    assert scale["rateable_ordinals"] == [1, 6]
    assert [label["slug"] for label in scale["labels"]][:2] == ["true", "mostly-true"]


def test_import_jobs_admin_creates_others_403(
    admin_user, alice, django_capture_on_commit_callbacks
):
    client = session_client(admin_user)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/api/import-jobs/", {"urls": ["https://example.org/a"]}, format="json"
        )
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["kind"] == "urls" and job["total"] == 1 and job["status"] == "queued"
    assert len(callbacks) == 1  # the job is enqueued once the transaction commits
    assert job["progress"]["total"] == 1
    assert client.get(f"/api/import-jobs/{job['id']}/").json()["id"] == job["id"]
    assert (
        session_client(alice)
        .post("/api/import-jobs/", {"urls": ["https://example.org/b"]}, format="json")
        .status_code
        == 403
    )
    # Users see only their own jobs; admins see all.
    assert results(session_client(alice).get("/api/import-jobs/")) == []
    assert session_client(alice).get(f"/api/import-jobs/{job['id']}/").status_code == 404


def test_import_upload_multipart(admin_user, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = session_client(admin_user)
    upload = SimpleUploadedFile("a.txt", ("word " * 100).encode(), content_type="text/plain")
    with django_capture_on_commit_callbacks():
        response = client.post("/api/import-jobs/", {"files": [upload]}, format="multipart")
    assert response.status_code == 202, response.content
    assert response.json()["kind"] == "upload" and response.json()["total"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [({"urls": []}, "urls"), ({"urls": ["ftp://x"]}, "non_field_errors"), ({}, "urls"),
     ({"urls": ["https://a.example"], "colour": 1}, "colour")],
)  # fmt: skip
def test_bad_import_requests_are_400(admin_user, body, field):
    response = session_client(admin_user).post("/api/import-jobs/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_agreement_reports(article, alice, carol):
    client = session_client(carol)
    missing = client.get(f"/api/agreement/articles/{article.pk}/")
    assert missing.status_code == 404 and "not been computed" in missing.json()["detail"]
    AgreementReport.objects.create(
        scope="article", article=article, computed_at=timezone.now(), report={"f1": 0.5}
    )
    AgreementReport.objects.create(scope="corpus", computed_at=timezone.now(), headline=0.7)
    assert client.get(f"/api/agreement/articles/{article.pk}/").json()["report"] == {"f1": 0.5}
    assert client.get("/api/agreement/corpus/").json()["headline"] == 0.7
    # A reviewer sees an article's report only after submitting it; never the corpus report.
    reviewer = session_client(alice)
    assert reviewer.get(f"/api/agreement/articles/{article.pk}/").status_code == 404
    assert reviewer.get("/api/agreement/corpus/").status_code == 404
    assert Article.objects.count() == 1
