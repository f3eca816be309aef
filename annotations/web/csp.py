"""django-csp's middleware, plus one exception: the DRF browsable API's own templates.

DRF's browsable API pages (``?format=api`` or a browser visiting /api/...) carry a few inline
style attributes and a <style> block for code highlighting in its stock templates. Styles only:
they get style-src 'unsafe-inline' and scripts stay 'self', like on every other page.
"""

from __future__ import annotations

from typing import Any

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from rest_framework.renderers import BrowsableAPIRenderer


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(
        self, request: Any, response: Any, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
            parts.update = {**(parts.update or {}), "style-src": ["'unsafe-inline'"]}
        return parts
