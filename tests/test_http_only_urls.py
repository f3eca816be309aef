"""Only http(s) URLs are stored, on every path that stores one, and links render defensively."""

from __future__ import annotations

import importlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.template import Context, Template

from annotations.models import Annotation, Article, Feed, FeedEntry, ImportItem
from annotations.services import imports
from annotations.services.adjudication import write_final
from annotations.services.annotating import AnnotationError, create_annotation
from annotations.services.importing.sources import ArticleDraft, ItemError
from annotations.services.importing.store import store_draft
from annotations.services.links import http_url_problem
from tests.factories import make_article, make_user
from tests.httpserver import article_html, paragraphs_for, rss, serving

pytestmark = pytest.mark.django_db

BODY = "\n\n".join(paragraphs_for(3))
HOSTILE = [
    "javascript:alert('X')//",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "java\tscript:alert(1)",
    "//evil.example/x",
    "/relative/path",
    "https://a.example/ x",
    "https://a.example/\x00",
    "http:///no-host",
    "https://" + "a" * 2000 + ".example/",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_the_rule_refuses_anything_but_absolute_http_urls(url):
    assert http_url_problem(url)


@pytest.mark.parametrize(
    "url", ["http://a.example", "https://a.example/x?y=1#z", "HTTPS://A.example/"]
)
def test_the_rule_accepts_http_urls(url):
    assert http_url_problem(url) is None


def _run_jsonl(admin_user, lines):
    data = "\n".join(json.dumps(line) for line in lines).encode()
    job = imports.start_upload_import(user=admin_user, files=[("batch.jsonl", data)])
    imports.run_import_job(job_id=job.pk)
    return {i.name: i for i in ImportItem.objects.filter(job=job).exclude(status="expanded")}


def test_jsonl_javascript_url_fails_the_line_with_a_clear_reason(admin_user):
    items = _run_jsonl(
        admin_user,
        [
            {"url": "javascript:alert('X')//", "title": "Evil", "text": BODY},
            {"url": "data:text/html,hi", "title": "Data", "html": f"<p>{BODY}</p>"},
            {"url": 123, "title": "Number", "text": BODY + " number"},
            {"url": "HTTPS://News.example/ok", "title": "Fine", "text": BODY + " fine"},
        ],
    )
    evil, data, number, fine = (items[f"batch.jsonl:{n}"] for n in (1, 2, 3, 4))
    assert evil.status == "failed" and evil.article_id is None
    assert 'the "url" field is not an http:// or https:// URL (javascript:)' in evil.error
    assert data.status == "failed" and "(data:)" in data.error
    assert number.status == "failed" and "must be a text URL" in number.error
    assert fine.status == "imported" and fine.article.url == "https://News.example/ok"
    assert list(Article.objects.values_list("url", flat=True)) == ["https://News.example/ok"]


def test_html_file_with_a_javascript_canonical_link_keeps_no_url(admin_user):
    page = article_html("Canonical", paragraphs_for(4)).replace(
        "<meta charset='utf-8'>",
        "<meta charset='utf-8'><link rel='canonical' href='javascript:alert(1)'>"
        "<meta property='og:url' content='javascript:alert(2)'>",
    )
    job = imports.start_upload_import(user=admin_user, files=[("page.html", page.encode())])
    imports.run_import_job(job_id=job.pk)
    assert Article.objects.get().url == ""


def test_store_refuses_a_draft_with_a_non_http_url():
    draft = ArticleDraft(raw=BODY, raw_format="text", text=BODY, url="javascript:alert(1)")
    with pytest.raises(ItemError, match="not an http"):
        store_draft(draft=draft, job_id=None, default_source="")
    assert not Article.objects.exists()


def test_feed_entry_with_a_javascript_link_fails_and_is_not_stored(admin_user, settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = True
    with serving() as site:
        good = site.add("/good", article_html("Good entry", paragraphs_for(5)))
        feed_xml = rss([("g-good", good, "Good"), ("g-evil", "javascript:alert(1)", "Evil")])
        site.add("/feed.xml", feed_xml, content_type="application/rss+xml")
        feed = imports.register_feed(user=admin_user, url=site.url("/feed.xml"))
        job = imports.poll_feed_now(feed=feed)
        imports.run_import_job(job_id=job.pk)
    evil = FeedEntry.objects.get(guid="g-evil")
    assert evil.url == ""
    assert evil.import_item.status == "failed"
    assert "link is not an http:// or https:// URL (javascript:)" in evil.import_item.error
    assert FeedEntry.objects.get(guid="g-good").import_item.article.url == good


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://a.example/ x", "http://x.example/a\tb"]
)
def test_url_list_refuses_non_http_urls(admin_user, url):
    with pytest.raises(imports.ImportRequestError, match="Not importable"):
        imports.start_url_import(user=admin_user, urls=[url])


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://a.example/\x7f"])
def test_feed_registration_refuses_non_http_urls(admin_user, url):
    with pytest.raises(imports.ImportRequestError):
        imports.register_feed(user=admin_user, url=url)
    assert not Feed.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://a.example/ x", "data:,x"])
def test_evidence_urls_of_annotations_and_finals_are_http_only(alice, carol, article, url):
    with pytest.raises(AnnotationError, match="not an http") as caught:
        create_annotation(
            user=alice, article=article, start=0, end=5, quote="North", tag="claim",
            evidence_urls=[url],
        )  # fmt: skip
    assert caught.value.field == "evidence_urls"
    with pytest.raises(AnnotationError, match="not an http"):
        write_final(
            by=carol, article=article, start=0, end=5, quote="North", tag="claim",
            evidence_urls=["https://ok.example/", url],
        )  # fmt: skip
    assert not Annotation.objects.exists()


def test_api_rejects_a_javascript_evidence_url_with_a_field_error(alice, article, client):
    client.force_login(alice)
    response = client.post(
        "/api/annotations/",
        {"article": article.pk, "start": 0, "end": 5, "quote": "North", "tag": "claim",
         "evidence_urls": ["javascript:alert(1)"]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "evidence_urls" in response.content.decode()
    assert "not an http" in response.content.decode()


def test_database_refuses_a_non_http_article_url():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(url="javascript:alert(1)")


def test_model_validation_refuses_ftp_and_javascript():
    for url in ("ftp://files.example/a", "javascript:alert(1)"):
        with pytest.raises(ValidationError) as caught:
            Article(url=url).full_clean()
        assert "url" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            Feed(url=url).full_clean()
        assert "url" in caught.value.message_dict


@pytest.mark.parametrize(
    ("url", "rendered"),
    [
        ("https://a.example/?q=1&b=2", '<a href="https://a.example/?q=1&amp;b=2">'),
        ("javascript:alert(1)", ""),
        ("JAVASCRIPT:alert(1)", ""),
        (" javascript:alert(1)", ""),
        ("data:text/html,x", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_href_renders_only_http_links(url, rendered):
    template = Template(
        '{% load safe_links %}{% if url|safe_href %}<a href="{{ url|safe_href }}">{% endif %}'
    )
    assert template.render(Context({"url": url})) == rendered


def test_annotate_page_links_the_original_only_for_http(alice, client):
    article = make_article(url="https://news.example/story")
    client.force_login(alice)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert 'href="https://news.example/story"' in html


@pytest.mark.django_db(transaction=True)
def test_migration_neutralises_stored_non_http_urls():
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    ours = next(k for k in graph.nodes if k[0] == "annotations" and k[1].endswith("http_only_urls"))
    before = next(p for p in graph.node_map[ours].parents if p.key[0] == "annotations").key
    alice = make_user("alice-m")
    article = make_article(url="https://ok.example/a")
    other = make_article(url="https://ok.example/b")
    ann = Annotation.objects.create(
        article=article, reviewer=alice, start=0, end=5, quote=article.text[:5], tag="claim"
    )
    feed = Feed.objects.create(url="https://ok.example/rss")
    entry = FeedEntry.objects.create(feed=feed, guid="g", url="https://ok.example/e")
    try:
        executor.migrate([before])
        # Rows stored before the rule existed.
        Article.objects.filter(pk=article.pk).update(url="javascript:alert('X')//")
        Article.objects.filter(pk=other.pk).update(url="HTTPS://ok.example/b")
        Annotation.objects.filter(pk=ann.pk).update(
            evidence_urls=["https://ok.example/e", "javascript:alert(1)"]
        )
        Feed.objects.filter(pk=feed.pk).update(url="javascript:alert(2)")
        FeedEntry.objects.filter(pk=entry.pk).update(url="data:,x")
        migration = importlib.import_module(f"annotations.migrations.{ours[1]}")
        assert migration.Migration.operations  # the migration under test exists
        executor = MigrationExecutor(connection)
        executor.migrate([ours])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    article.refresh_from_db()
    other.refresh_from_db()
    ann.refresh_from_db()
    feed.refresh_from_db()
    entry.refresh_from_db()
    assert article.url == ""
    assert other.url.startswith("https://")
    assert ann.evidence_urls == ["https://ok.example/e"]
    assert feed.is_active is False and "not an http(s) URL" in feed.last_error
    assert entry.url == ""
