"""Feeds: registered, polled when due (claimed once), new entries imported, seen ones skipped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from annotations.models import Article, Feed, FeedEntry, ImportItem, ImportJob, JobKind
from annotations.services import imports
from annotations.tasks import poll_due_feeds
from tests.httpserver import article_html, paragraphs_for, rss, serving

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = True
    with serving() as s:
        yield s


def run_all():
    for job in ImportJob.objects.filter(status="queued"):
        imports.run_import_job(job_id=job.pk)


def test_due_feed_is_polled_once_and_seen_entries_are_skipped(admin_user, site):
    a = site.add("/a", article_html("Entry A", paragraphs_for(11)))
    b = site.add("/b", article_html("Entry B", paragraphs_for(12)))
    site.add("/feed.xml", rss([("g-a", a, "Entry A")]), content_type="application/rss+xml")
    feed = imports.register_feed(
        user=admin_user, url=site.url("/feed.xml"), source="Feed Wire", interval_minutes=30
    )
    jobs = poll_due_feeds()
    assert len(jobs) == 1 and poll_due_feeds() == []  # claimed: not due again for 30 minutes
    feed.refresh_from_db()
    assert feed.next_poll_at > timezone.now() + timedelta(minutes=29)
    run_all()
    job = ImportJob.objects.get(pk=jobs[0])
    assert (job.kind, job.status, job.imported) == (JobKind.FEED, "succeeded", 1)
    article = Article.objects.get()
    assert (article.title, article.source, article.source_id, article.url) == (
        "Entry A",
        "Feed Wire",
        "g-a",
        a,
    )
    assert FeedEntry.objects.get().import_item.article == article

    # Next poll: the feed now lists A and B; only B is new.
    site.add("/feed.xml", rss([("g-b", b, "Entry B"), ("g-a", a, "Entry A")]),
             content_type="application/rss+xml")  # fmt: skip
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
    second = poll_due_feeds()
    run_all()
    job2 = ImportJob.objects.get(pk=second[0])
    assert (job2.total, job2.imported) == (1, 1)
    assert site.hits["/a"] == 1 and site.hits["/b"] == 1
    assert sorted(FeedEntry.objects.values_list("guid", flat=True)) == ["g-a", "g-b"]


def test_a_page_that_is_not_a_feed_is_reported(admin_user, site):
    site.add("/notfeed", "<html><body><p>Just a page</p></body></html>")
    feed = imports.register_feed(user=admin_user, url=site.url("/notfeed"))
    job = imports.poll_feed_now(feed=feed)
    imports.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    item = ImportItem.objects.get(job=job)
    assert job.status == "failed" and "not an RSS or Atom feed" in item.error
    feed.refresh_from_db()
    assert "not an RSS or Atom feed" in feed.last_error


def test_feed_registration_checks_the_url(admin_user):
    with pytest.raises(imports.ImportRequestError, match="only http"):
        imports.register_feed(user=admin_user, url="file:///etc/passwd")
    imports.register_feed(user=admin_user, url="https://news.example/rss")
    with pytest.raises(imports.ImportRequestError, match="registered already"):
        imports.register_feed(user=admin_user, url="https://news.example/rss")


def test_beat_schedule_polls_due_feeds(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["poll-due-feeds"]
    assert entry["task"] == "annotations.tasks.poll_due_feeds"
