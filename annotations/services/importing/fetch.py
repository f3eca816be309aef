"""Fetching article pages and feeds over HTTP, with an SSRF guard and hard limits.

Every hop of a redirect chain is checked again: the host is resolved with getaddrinfo and
each address must be public (not private, loopback, link-local, reserved, multicast or
unspecified) unless settings.IMPORT_ALLOW_PRIVATE_URLS is on. Redirects are followed by hand,
at most settings.IMPORT_URL_MAX_REDIRECTS of them. Bodies are streamed and cut off at
settings.IMPORT_URL_MAX_BYTES, so a huge or endless response never fills memory.

Known limitation (TOCTOU): requests resolves the host again when it connects, so a DNS server
answering differently within that instant (DNS rebinding) could slip past the check. Pinning
the connection to the checked address would need a custom urllib3 connection class that keeps
TLS SNI and certificate checks on the host name; until then, deployments that fetch untrusted
URLs should also block private ranges at the network level (egress firewall).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings

USER_AGENT = "factcheck-import/1.0 (+https://github.com/)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "application/feed+json",
)


class FetchError(Exception):
    """The URL could not be fetched; the message says why, for the admin."""


@dataclass(frozen=True)
class Fetched:
    url: str  # final URL after redirects
    content: bytes
    content_type: str  # full header value, e.g. "text/html; charset=utf-8"

    @property
    def media_type(self) -> str:
        return self.content_type.split(";", 1)[0].strip().lower()


def check_url_syntax(url: str) -> str | None:
    """Return why `url` is not an http(s) URL we can fetch, or None if it looks fine."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "only http:// and https:// URLs can be imported"
    if not parts.hostname:
        return "the URL has no host name"
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "the URL has an invalid port"
    return None


def _blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def check_host(url: str) -> None:
    """Raise FetchError if the URL's host resolves to any non-public address (SSRF guard)."""
    problem = check_url_syntax(url)
    if problem:
        raise FetchError(f"{url}: {problem}.")
    if settings.IMPORT_ALLOW_PRIVATE_URLS:
        return
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"{url}: the host name does not resolve ({exc}).") from None
    for info in infos:
        address = str(info[4][0])
        if _blocked(address):
            raise FetchError(
                f"{url}: refused, the host resolves to a private or local address ({address}). "
                "Only public addresses can be fetched (IMPORT_ALLOW_PRIVATE_URLS is off)."
            )


def fetch(url: str, *, accept: tuple[str, ...] = HTML_TYPES, what: str = "an HTML page") -> Fetched:
    """GET `url` with the SSRF guard, manual redirects, a timeout and a byte cap.

    `accept` lists the media types that count as success; anything else raises FetchError
    naming the type received.
    """
    session = requests.Session()
    session.trust_env = False  # a proxy from the environment would bypass the address check
    current = url
    for _hop in range(settings.IMPORT_URL_MAX_REDIRECTS + 1):
        check_host(current)
        try:
            response = session.get(
                current,
                stream=True,
                allow_redirects=False,
                timeout=settings.IMPORT_URL_TIMEOUT,
                headers={"User-Agent": USER_AGENT, "Accept": ", ".join(accept) + ", */*;q=0.1"},
            )
        except requests.Timeout:
            raise FetchError(
                f"{current}: timed out after {settings.IMPORT_URL_TIMEOUT:g} s."
            ) from None
        except requests.RequestException as exc:
            raise FetchError(f"{current}: could not connect ({type(exc).__name__}).") from None
        with response:
            if response.is_redirect:
                location = response.headers.get("Location", "")
                if not location:
                    raise FetchError(f"{current}: redirect without a Location header.")
                current = urljoin(current, location)
                continue
            if response.status_code >= 400:
                raise FetchError(f"{current}: the server answered HTTP {response.status_code}.")
            content_type = response.headers.get("Content-Type", "")
            media = content_type.split(";", 1)[0].strip().lower()
            if media not in accept:
                raise FetchError(f"{current}: expected {what}, got {media or 'no content type'}.")
            declared = response.headers.get("Content-Length")
            limit = settings.IMPORT_URL_MAX_BYTES
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchError(f"{current}: larger than the limit of {limit} bytes.")
            chunks: list[bytes] = []
            size = 0
            try:
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(f"{current}: larger than the limit of {limit} bytes.")
                    chunks.append(chunk)
            except requests.RequestException as exc:
                raise FetchError(f"{current}: the download broke off ({exc}).") from None
            return Fetched(url=current, content=b"".join(chunks), content_type=content_type)
    raise FetchError(
        f"{url}: more than {settings.IMPORT_URL_MAX_REDIRECTS} redirects; stopped following."
    )
