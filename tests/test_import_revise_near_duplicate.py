"""Import results for revisions: a revision is counted as "revised" (not "imported") and links
to its article; a re-uploaded corrected text that is a near duplicate offers to revise the
article it duplicates, through the revision service (annotations re-anchored, the copy
removed). Failed jobs get a marked progress bar."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from annotations.models import Article, ImportItem, ImportJob, ItemStatus
from annotations.services import imports
from tests.factories import make_annotation
from tests.httpserver import paragraphs_for

pytestmark = pytest.mark.django_db

ORIGINAL = "Original headline here\n\n" + "\n\n".join(paragraphs_for(1) + paragraphs_for(101))
CORRECTED = ORIGINAL.replace("denied the report", "strongly rejected the report", 1)
URL = "https://news.example.org/a"


def run(user, files) -> ImportJob:
    job = imports.start_upload_import(user=user, files=files, source="Desk")
    imports.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    return job


def leaf(job: ImportJob) -> ImportItem:
    return job.items.exclude(status=ItemStatus.EXPANDED).get()


def jsonl(text: str, **extra) -> tuple[str, bytes]:
    return "wire.jsonl", (json.dumps({"text": text, **extra}) + "\n").encode()


def test_revision_is_counted_as_revised_and_linked(client, admin_user):
    first = run(admin_user, [jsonl(ORIGINAL, url=URL)])
    article = leaf(first).article
    second = run(admin_user, [jsonl(CORRECTED, url=URL)])
    assert (second.imported, second.revised, second.duplicates) == (0, 1, 0)
    assert leaf(second).status == ItemStatus.REVISED
    client.force_login(admin_user)
    data = client.get(reverse("import-progress", args=[second.pk])).json()
    assert (data["imported"], data["revised"]) == (0, 1)
    html = client.get(reverse("import-detail", args=[second.pk])).content.decode()
    link = reverse("article-source", args=[article.pk])
    assert f'new revision of <a href="{link}">article {article.pk}</a>' in html
    assert '<span data-field="revised">1</span> revised' in html


def test_corrected_reupload_offers_and_makes_a_revision(client, admin_user, alice):
    first = run(admin_user, [("seed.txt", ORIGINAL.encode())])
    original = leaf(first).article
    start = original.text.index("denied the report")
    note = make_annotation(original, alice, start - 20, start + len("denied the report"))
    second = run(admin_user, [("seed-fixed.txt", CORRECTED.encode())])
    item = leaf(second)
    assert item.status == ItemStatus.IMPORTED and item.duplicate_of_id == original.pk
    copy_id = item.article_id

    client.force_login(admin_user)
    detail = reverse("import-detail", args=[second.pk])
    html = client.get(detail).content.decode()
    action = reverse("import-item-revise", args=[second.pk, item.pk])
    assert f'action="{action}"' in html
    assert f"Revise article {original.pk} with this text" in html

    response = client.post(action, follow=True)
    assert response.redirect_chain[-1][0] == detail
    page = response.content.decode()
    assert f"Article {original.pk} is now at revision 2" in page
    original.refresh_from_db()
    assert original.revision == 2 and "strongly rejected the report" in original.text
    assert not Article.objects.filter(pk=copy_id).exists()
    item.refresh_from_db()
    assert (item.status, item.article_id) == (ItemStatus.REVISED, original.pk)
    second.refresh_from_db()
    assert (second.imported, second.revised) == (0, 1)
    note.refresh_from_db()
    assert note.article_id == original.pk and note.anchor_status in ("fuzzy", "orphaned")
    assert f'new revision of <a href="{reverse("article-source", args=[original.pk])}"' in page


def test_revise_is_refused_when_the_copy_has_work_on_it(client, admin_user, alice):
    original = leaf(run(admin_user, [("seed.txt", ORIGINAL.encode())])).article
    second = run(admin_user, [("seed-fixed.txt", CORRECTED.encode())])
    item = leaf(second)
    copy = item.article
    make_annotation(copy, alice, 0, 8)
    client.force_login(admin_user)
    action = reverse("import-item-revise", args=[second.pk, item.pk])
    page = client.post(action, follow=True).content.decode()
    assert "Not revised:" in page and "has assignments or annotations" in page
    original.refresh_from_db()
    assert original.revision == 1 and Article.objects.filter(pk=copy.pk).exists()


def test_revise_is_for_admins_and_needs_post(client, admin_user, carol):
    second = run(admin_user, [("a.txt", ORIGINAL.encode())])
    action = reverse("import-item-revise", args=[second.pk, leaf(second).pk])
    client.force_login(carol)
    assert client.post(action).status_code == 403
    client.force_login(admin_user)
    assert client.get(action).status_code == 405


def test_failed_jobs_have_marked_progress_bars(client, admin_user):
    job = run(admin_user, [("empty.txt", b"   ")])
    assert job.status == "failed"
    client.force_login(admin_user)
    for name, args in (("imports", []), ("import-detail", [job.pk])):
        html = client.get(reverse(name, args=args)).content.decode()
        assert 'data-status="failed" aria-label="Progress' in html
