"""The API documentation pages (Swagger UI and ReDoc) under the strict Content-Security-Policy.

Both use drf-spectacular-sidecar's self-hosted bundles. Swagger UI is drf-spectacular's "split"
view: its init script is a separate same-origin request (``?script``), never inline. ReDoc's
page loads static/annotations/js/redoc-init.js. Scripts stay 'self' on these pages too; only
ReDoc needs more: its styling library injects <style> elements (style-src 'unsafe-inline')
and its search index runs in a blob: worker.
"""

from __future__ import annotations

from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

swagger_ui = SpectacularSwaggerSplitView.as_view(
    url_name="api-schema", template_name="annotations/api/swagger_ui.html"
)

redoc = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})(
    SpectacularRedocView.as_view(url_name="api-schema", template_name="annotations/api/redoc.html")
)
