"""SSRF guard of URL imports: which addresses are refused, and DNS rebinding cannot get round it."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from annotations.services.importing import fetch

BLOCKED = [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",  # link-local cloud metadata
    "100.100.100.200",  # shared address space 100.64.0.0/10 (a cloud metadata address)
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
    "192.0.2.1",  # documentation
    "198.18.0.1",  # benchmarking
    "240.0.0.1",  # reserved
    "224.0.0.1",  # multicast
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fec0::1",  # site-local
    "ff0e::1",  # global-scope multicast
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.1.2.3",
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a00:1::",  # 6to4 of 10.0.0.1
    "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "2001:db8::1",  # documentation
    "fe80::1%eth0",
    "not an address",
]
ALLOWED = [
    "93.184.216.34",
    "8.8.8.8",
    "2606:2800:220:1:248:1893:25c8:1946",
    "::ffff:93.184.216.34",
    "2002:5db8:d822::",  # 6to4 of 93.184.216.34
    "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34
]


@pytest.mark.parametrize("address", BLOCKED)
def test_non_global_addresses_are_blocked(address):
    assert fetch._blocked(address)


@pytest.mark.parametrize("address", ALLOWED)
def test_global_addresses_are_allowed(address):
    assert not fetch._blocked(address)


@pytest.mark.parametrize("address", ["100.100.100.200", "2002:7f00:1::", "fec0::1"])
def test_refused_before_any_connection(address, settings, monkeypatch):
    settings.IMPORT_ALLOW_PRIVATE_URLS = False
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    def resolver(host, port, *args, **kw):
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(fetch.FetchError, match=r"private or local address"):
        fetch.fetch("http://metadata.example/latest/")


class _Recorder(BaseHTTPRequestHandler):
    requests: list[dict[str, str]]

    def do_GET(self) -> None:
        type(self).requests.append({"path": self.path, "host": self.headers.get("Host", "")})
        body = b"<html><body><p>secret from loopback</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def loopback_server() -> Iterator[tuple[int, list[dict[str, str]]]]:
    handler = type("Handler", (_Recorder,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], handler.requests
    finally:
        server.shutdown()
        server.server_close()


def test_dns_rebinding_cannot_reach_loopback(settings, monkeypatch):
    """The resolver says "public" at check time and 127.0.0.1 afterwards: we never connect there."""
    settings.IMPORT_ALLOW_PRIVATE_URLS = False
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["93.184.216.34"])

    def rebinding(host, port, *args, **kw):
        if host == "rebind.example":
            address = next(answers, "127.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real_getaddrinfo(host, port, *args, **kw)

    # No traffic leaves the machine: a connection to anything but loopback is recorded and
    # refused here instead of being made.
    attempted: list[tuple[str, int]] = []
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        if ipaddress.ip_address(address[0]).is_loopback:
            return real_connect(sock, address)
        attempted.append((address[0], address[1]))
        raise ConnectionRefusedError(111, "refused by the test")

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    with loopback_server() as (port, seen):
        with pytest.raises(fetch.FetchError, match="could not connect"):
            fetch.fetch(f"http://rebind.example:{port}/secret")
        assert seen == []  # the loopback server was never reached
    assert attempted == [("93.184.216.34", port)]  # we connected to the address we checked


def test_pinned_connection_keeps_the_host_header(settings, monkeypatch):
    settings.IMPORT_ALLOW_PRIVATE_URLS = True  # the local test server is allowed here
    real_getaddrinfo = socket.getaddrinfo
    lookups: list[str] = []

    def resolver(host, port, *args, **kw):
        if host == "news.example":
            lookups.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real_getaddrinfo(host, port, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with loopback_server() as (port, seen):
        page = fetch.fetch(f"http://news.example:{port}/story")
    assert b"secret from loopback" in page.content
    assert seen == [{"path": "/story", "host": f"news.example:{port}"}]
    assert lookups == ["news.example"]  # resolved once, at the check


def test_https_pinning_keeps_the_host_name_for_sni_and_the_certificate(monkeypatch):
    import urllib3.connection

    adapter = fetch._PinnedAdapter("93.184.216.34")
    pool = adapter.poolmanager.connection_from_url("https://news.example/")
    conn = pool._new_conn()  # the connection object; nothing is opened yet
    opened: list[tuple[str, int]] = []

    def fake_create_connection(address, *args, **kwargs):
        opened.append(address)
        return socket.socket()  # never connected: no traffic

    monkeypatch.setattr(urllib3.connection.connection, "create_connection", fake_create_connection)
    conn._new_conn().close()
    assert opened == [("93.184.216.34", 443)]  # the TCP target is the checked address
    # urllib3 takes TLS SNI and the certificate's expected name from `host`.
    assert conn.host == "news.example"
    assert isinstance(conn, urllib3.connection.HTTPSConnection)
