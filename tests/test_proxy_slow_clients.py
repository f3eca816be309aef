"""The shipped nginx config keeps gunicorn answering while slow clients hang on (issue 13.11).

Runs the real deploy/nginx.conf (upstream pointed at a local gunicorn started with
deploy/gunicorn.conf.py) when nginx is installed; the configuration itself is checked
everywhere by test_configuration_files.py.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise AssertionError(f"port {port} never opened")


def _status_line(port: int, timeout: float) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        return s.recv(100).split(b"\r\n", 1)[0].decode()


@pytest.fixture
def proxied(tmp_path: Path):
    web_port, proxy_port = _free_port(), _free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("server web:8000;", f"server 127.0.0.1:{web_port};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{proxy_port};")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"daemon off; worker_processes 1; pid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log;\n"
        "events { worker_connections 256; }\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; "
        f"proxy_temp_path {tmp_path}/proxy; fastcgi_temp_path {tmp_path}/fcgi; "
        f"uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi; "
        f"include {tmp_path}/site.conf; }}\n"
    )
    env = {
        **os.environ,
        "DEBUG": "1",
        "FACTCHECK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
    }
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "factcheck.wsgi:application",
         "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{web_port}",
         "--log-level", "warning", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    proxy = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        start_new_session=True,
    )
    try:
        _wait_port(web_port)
        _wait_port(proxy_port)
        yield web_port, proxy_port
    finally:
        for proc in (proxy, web):
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10)
            if proc.poll() is None:
                proc.kill()


def test_slow_header_clients_do_not_block_healthz_behind_the_proxy(proxied):
    _web_port, proxy_port = proxied
    slow = []
    try:
        # More half-sent requests than gunicorn has threads (4 here).
        for _ in range(12):
            s = socket.create_connection(("127.0.0.1", proxy_port), timeout=5)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            slow.append(s)
        time.sleep(0.5)
        assert _status_line(proxy_port, timeout=5).startswith("HTTP/1.1 ")
    finally:
        for s in slow:
            s.close()
