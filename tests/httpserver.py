"""A small real HTTP server on 127.0.0.1 serving canned pages, feeds and redirects."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str = ""  # for redirects
    delay: float = 0.0  # seconds before answering (to keep a worker busy mid-job)


class Site:
    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str = b"", **kw: object) -> str:
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body=body, **kw)  # type: ignore[arg-type]
        return self.url(path)


@contextlib.contextmanager
def serving() -> Iterator[Site]:
    site: Site

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.hits[self.path] = site.hits.get(self.path, 0) + 1
            route = site.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.delay:
                time.sleep(route.delay)
            self.send_response(route.status)
            if route.location:
                self.send_header("Location", route.location)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site = Site(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def article_html(title: str, paragraphs: list[str], *, author: str = "Jane Doe") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta name='author' content='{author}'>"
        f"<meta property='article:published_time' content='2025-04-28T10:00:00Z'></head>"
        f"<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        f"<footer>Copyright 2025 Example News. All rights reserved.</footer></body></html>"
    )


PARAGRAPHS = [
    "The ministry said on Monday that about 11,000 soldiers had been sent to the border region "
    "over the past two months, according to officials familiar with the matter.",
    "Officials in the capital denied the report and called the figures exaggerated, adding that "
    "no further details would be released until the investigation was complete.",
    "Analysts estimate that at least 4,000 of the soldiers have been wounded, although the "
    "numbers could not be independently verified by reporters on the ground.",
    "The government has repeatedly rejected similar claims in the past, saying they were part of "
    "a campaign to discredit its armed forces and its allies abroad.",
]


def paragraphs_for(n: int) -> list[str]:
    """Distinct article paragraphs for page number n (so pages are not near duplicates)."""
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima".split()
    unique = " ".join(f"{words[(n + i) % len(words)]}{n}x{i}" for i in range(60))
    return [f"Report {n}: {unique}.", *[p.replace("the ", f"the {n}-th ", 1) for p in PARAGRAPHS]]


def rss(items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (guid, link, title)."""
    entries = "".join(
        f"<item><guid>{g}</guid><link>{link}</link><title>{t}</title></item>"
        for g, link, t in items
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Test feed</title><link>http://127.0.0.1/</link><description>d</description>"
        f"{entries}</channel></rss>"
    )
