"""Renderers for the formats besides plain JSON."""

from __future__ import annotations

import json
from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer

from annotations.api.formats import WEB_ANNOTATION_MEDIA_TYPE


class WebAnnotationRenderer(JSONRenderer):
    """``Accept: application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"``.

    The media type has no parameters here so that plain ``application/ld+json`` matches too;
    the response carries the full type with the profile.
    """

    media_type = "application/ld+json"
    format = "jsonld"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code < 400:
            response["Content-Type"] = WEB_ANNOTATION_MEDIA_TYPE
        return super().render(data, accepted_media_type, renderer_context)


class _Passthrough(BaseRenderer):
    """Streaming export views build their own body; errors are still rendered as JSON."""

    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        if isinstance(data, bytes | str):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


class JSONLinesRenderer(_Passthrough):
    media_type = "application/x-ndjson"
    format = "jsonl"


class CSVRenderer(_Passthrough):
    media_type = "text/csv"
    format = "csv"


class JSONLDRenderer(_Passthrough):
    media_type = "application/ld+json"
    format = "jsonld"


class JSONStreamRenderer(_Passthrough):
    media_type = "application/json"
    format = "json"
