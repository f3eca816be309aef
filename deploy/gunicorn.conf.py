"""gunicorn settings for the web tier, in production (docker-compose) and in ``./dev serve``.

Threaded workers (gthread): a slow or idle keep-alive client holds a thread, not a whole
worker process, and the timeouts below bound how long it may. In docker-compose nginx sits in
front and buffers whole requests and responses, so gunicorn only ever talks to a fast local
client (see docs/deployment.md). Every value can be overridden on the command line or with
GUNICORN_CMD_ARGS; the few that a deployment tunes have their own variables.
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
# Processes x threads = concurrent requests. Two small processes use far less memory than
# the sync default of one process per concurrent request.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker process whose main loop stops checking in for this long (hung, not merely busy:
# with threads the main loop keeps beating while requests run) is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Idle keep-alive connections are closed after this many seconds.
keepalive = 5
# Recycle workers now and then so slow leaks cannot accumulate.
max_requests = 5000
max_requests_jitter = 500
# Request-line and header limits (gunicorn's defaults, spelled out for reviewers).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Load the application before forking: workers share its memory pages.
preload_app = True
# nginx is the only client in docker-compose; it sets X-Forwarded-For/Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# gunicorn 27's control socket lives at one fixed path in $HOME by default, so two servers on
# one machine (./dev serve next to a test run) would fight over it; nothing here uses it.
control_socket_disable = True


def pre_fork(server, worker):  # gunicorn calls it in the master before each fork
    """Move the preloaded app's objects out of the cyclic collector's reach before forking.

    Every object Django and the app create at start-up lives as long as the process. Frozen,
    the collector no longer walks them on each full collection (shorter pauses inside
    requests) nor writes to their headers (the forked workers keep sharing those pages).
    """
    import gc

    gc.freeze()
