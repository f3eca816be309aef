"""Fetching article pages and feeds over HTTP, with an SSRF guard and hard limits.

SSRF guard: at every hop of a redirect chain the host is resolved once with getaddrinfo, and
every address must be globally reachable (`not is_global` is refused, which covers private,
loopback, link-local, shared 100.64.0.0/10, reserved and documentation ranges), not multicast
and not IPv6 site-local; for IPv6 forms that embed an IPv4 address (IPv4-mapped ::ffff:0:0/96,
6to4 2002::/16, NAT64 64:ff9b::/96, Teredo) the embedded address must pass too. The connection
is then pinned to the address that was checked: requests connects to that IP while the Host
header, TLS SNI and the certificate check keep the host name. A DNS server that answers
differently at connect time (DNS rebinding) therefore cannot send us elsewhere.
settings.IMPORT_ALLOW_PRIVATE_URLS turns the address check off (local test servers), not the
pinning. Redirects are followed by hand, at most settings.IMPORT_URL_MAX_REDIRECTS of them.
Bodies are streamed and cut off at settings.IMPORT_URL_MAX_BYTES.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from annotations.services.links import http_url_problem

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
    if parts.scheme.lower() not in ("http", "https"):
        return "only http:// and https:// URLs can be imported"
    if not parts.hostname:
        return "the URL has no host name"
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "the URL has an invalid port"
    problem = http_url_problem(url)  # length, spaces and control characters
    return f"the URL {problem}" if problem else None


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses that an IPv6 address routes to (mapped, 6to4, NAT64, Teredo)."""
    found = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip in NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def _blocked(address: str) -> bool:
    """True unless the address is globally reachable (and so is any IPv4 address it embeds)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        candidates.extend(_embedded_ipv4(ip))
    for candidate in candidates:
        if not candidate.is_global or candidate.is_multicast:
            return True
        if isinstance(candidate, ipaddress.IPv6Address) and candidate.is_site_local:
            return True  # fec0::/10: deprecated, but still routed on some private networks
    return False


def resolve_checked(url: str) -> str:
    """Resolve the URL's host once and return the address to connect to.

    Raises FetchError if the URL is not fetchable or (unless IMPORT_ALLOW_PRIVATE_URLS) if any
    address the host resolves to is not public (SSRF guard).
    """
    problem = check_url_syntax(url)
    if problem:
        raise FetchError(f"{url}: {problem}.")
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"{url}: the host name does not resolve ({exc}).") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise FetchError(f"{url}: the host name does not resolve.")
    if not settings.IMPORT_ALLOW_PRIVATE_URLS:
        for address in addresses:
            if _blocked(address):
                raise FetchError(
                    f"{url}: refused, the host resolves to a private or local address "
                    f"({address}). Only public addresses can be fetched "
                    "(IMPORT_ALLOW_PRIVATE_URLS is off)."
                )
    return addresses[0]


def check_host(url: str) -> None:
    """Raise FetchError if the URL's host resolves to any non-public address (SSRF guard)."""
    resolve_checked(url)


class _PinnedMixin:
    """Connect the TCP socket to `pinned_address` instead of resolving the host name again.

    urllib3 reads the Host header, TLS SNI and the certificate's expected name from `host`
    (backed by _dns_host), so the name is put back as soon as the socket is open.
    """

    pinned_address = ""
    _dns_host: str

    def _new_conn(self) -> socket.socket:
        name = self._dns_host
        self._dns_host = self.pinned_address
        try:
            return super()._new_conn()  # type: ignore[misc]
        finally:
            self._dns_host = name


class _PinnedHTTPConnection(_PinnedMixin, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedMixin, HTTPSConnection):
    pass


class _PinnedAdapter(HTTPAdapter):
    """A transport adapter whose connections all go to one pre-checked IP address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        address = self.address
        http_conn = type("PinnedHTTP", (_PinnedHTTPConnection,), {"pinned_address": address})
        https_conn = type("PinnedHTTPS", (_PinnedHTTPSConnection,), {"pinned_address": address})
        http_pool = type("PinnedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn})
        https_pool = type("PinnedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn})
        self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}


def _pinned_session(address: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # a proxy from the environment would bypass the address check
    adapter = _PinnedAdapter(address)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def fetch(url: str, *, accept: tuple[str, ...] = HTML_TYPES, what: str = "an HTML page") -> Fetched:
    """GET `url` with the SSRF guard, manual redirects, a timeout and a byte cap.

    `accept` lists the media types that count as success; anything else raises FetchError
    naming the type received.
    """
    current = url
    for _hop in range(settings.IMPORT_URL_MAX_REDIRECTS + 1):
        # Resolved and checked once per hop; the connection goes to exactly that address.
        with _pinned_session(resolve_checked(current)) as session:
            result = _fetch_one(session, current, accept, what)
        if isinstance(result, Fetched):
            return result
        current = result
    raise FetchError(
        f"{url}: more than {settings.IMPORT_URL_MAX_REDIRECTS} redirects; stopped following."
    )


def _fetch_one(
    session: requests.Session, current: str, accept: tuple[str, ...], what: str
) -> Fetched | str:
    """One hop: the page, or the absolute URL a redirect points to."""
    try:
        response = session.get(
            current,
            stream=True,
            allow_redirects=False,
            timeout=settings.IMPORT_URL_TIMEOUT,
            headers={"User-Agent": USER_AGENT, "Accept": ", ".join(accept) + ", */*;q=0.1"},
        )
    except requests.Timeout:
        raise FetchError(f"{current}: timed out after {settings.IMPORT_URL_TIMEOUT:g} s.") from None
    except requests.RequestException as exc:
        raise FetchError(f"{current}: could not connect ({type(exc).__name__}).") from None
    with response:
        if response.is_redirect:
            location = response.headers.get("Location", "")
            if not location:
                raise FetchError(f"{current}: redirect without a Location header.")
            return urljoin(current, location)
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
