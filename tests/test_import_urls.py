"""URL imports: SSRF guard, redirects, limits, content types, unreachable hosts (in-process)."""

from __future__ import annotations

import socket

import pytest

from annotations.models import Article, ImportItem, JobStatus
from annotations.services import imports
from annotations.services.importing import fetch
from tests.httpserver import article_html, paragraphs_for, serving

pytestmark = pytest.mark.django_db


def run(job):
    imports.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    return {i.name: i for i in ImportItem.objects.filter(job=job)}


@pytest.fixture
def site():
    with serving() as s:
        yield s


def test_private_addresses_are_refused_unless_allowed(admin_user, site, settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = False
    url = site.add("/a", article_html("Local", paragraphs_for(1)))
    items = run(imports.start_url_import(user=admin_user, urls=[url, "http://localhost:1/x"]))
    assert "private or local address (127.0.0.1)" in items[url].error
    assert "private or local address" in items["http://localhost:1/x"].error
    assert site.hits == {}  # refused before connecting
    unspecified = "0.0.0.0"  # noqa: S104 - an address to refuse, not one to bind
    for address in ("10.0.0.1", "169.254.169.254", "::1", unspecified, "::ffff:127.0.0.1"):
        assert fetch._blocked(address), address
    assert not fetch._blocked("93.184.216.34")


def test_redirect_to_a_private_address_is_rechecked(admin_user, site, settings, monkeypatch):
    # The first hop resolves to a public address (DNS answer faked), the redirect goes local.
    settings.IMPORT_ALLOW_PRIVATE_URLS = False
    real = socket.getaddrinfo

    def fake(host, *args, **kw):
        if host == "public.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80))]
        return real(host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    fetch.check_host("http://public.example/")  # passes
    with pytest.raises(fetch.FetchError, match="private or local"):
        fetch.check_host(site.url("/anything"))


def test_urls_import_with_metadata_and_reimport_is_duplicate(admin_user, site, settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = True
    url = site.add("/story", article_html("A fetched story", paragraphs_for(2), author="Ann Lee"))
    hop = site.add("/old", status=301, location="/story")
    job = imports.start_url_import(user=admin_user, urls=[url, hop, url], source="Example")
    items = run(job)
    assert job.total == 2  # the same URL twice is one item
    article = items[url].article
    assert (article.title, article.byline, article.url, article.source) == (
        "A fetched story",
        "Ann Lee",
        url,
        "Example",
    )
    assert article.raw_format == "html" and article.raw.startswith("<!doctype html>")
    assert items[hop].status == "duplicate" and items[hop].duplicate_of_id == article.pk
    again = run(imports.start_url_import(user=admin_user, urls=[url]))
    assert again[url].status == "duplicate" and Article.objects.count() == 1


def test_bad_responses_fail_per_item_and_the_rest_imports(admin_user, site, settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = True
    settings.IMPORT_URL_MAX_REDIRECTS = 2
    settings.IMPORT_URL_MAX_BYTES = 50_000
    good = site.add("/good", article_html("Good", paragraphs_for(3)))
    pdf = site.add("/doc.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    missing = site.url("/missing")
    loop = site.add("/loop", status=302, location="/loop")
    huge = site.add("/huge", "<html><body>" + "x" * 60_000 + "</body></html>")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/"
    job = imports.start_url_import(user=admin_user, urls=[good, pdf, missing, loop, huge, closed])
    items = run(job)
    assert items[good].status == "imported"
    assert "expected an HTML page, got application/pdf" in items[pdf].error
    assert "HTTP 404" in items[missing].error
    assert "more than 2 redirects" in items[loop].error
    assert "larger than the limit of 50000 bytes" in items[huge].error
    assert "could not connect" in items[closed].error
    assert job.status == JobStatus.PARTLY_FAILED


def test_malformed_urls_are_refused_by_name(admin_user):
    with pytest.raises(imports.ImportRequestError, match="No URLs"):
        imports.start_url_import(user=admin_user, urls=["  "])
    with pytest.raises(imports.ImportRequestError, match=r"ftp://x/y .*only http"):
        imports.start_url_import(user=admin_user, urls=["https://ok.example/", "ftp://x/y"])
