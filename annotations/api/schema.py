"""The OpenAPI document's description: what a client needs beyond the operations."""

from __future__ import annotations

from typing import Any

GUIDE = """
Verdicts, annotations and articles of the fact-check desk, for clients that mirror them.

## Authentication
Create a personal token at `/settings/tokens/` (signed in) and send it as
`Authorization: Bearer <key>` (`Token <key>` works too). The key is shown once; only its
hash is stored. A **read-only** token gets 403 on every write. The web UI uses the session.

## Permissions (one matrix for every endpoint)
| caller | reads | writes |
|---|---|---|
| anonymous | 401 | 401 |
| signed in, no role | 403 | 403 |
| reviewer | own; others' after submitting the article (blind review) | own annotations |
| adjudicator / admin | everything | own annotations; admins start imports |
| read-only token | as its user | 403 |

An object you may not see is **404**, never 403.

## Paging
Every list is cursor-paged: `{"next": url|null, "results": [...]}`. Follow `next` until it
is null. `page_size` is 1 to 500 (default 50). Cursors stay valid while rows are added.

## Keeping a mirror in sync
1. Page through `/api/verdicts/` (or `/api/annotations/`) once; remember the largest
   `updated_at` you saw.
2. Later, request `?updated_since=<that value>`: rows changed at or after it, oldest change
   first, **including tombstones** `{"id", "deleted": true, "updated_at"}` for rows to drop.
3. Apply each row by id (upsert or delete), remember the new largest `updated_at`, repeat.
Rows at the boundary may come twice; applying them again is harmless. A final verdict lists
in `supersedes` the review rows it replaces.

## Formats
JSON by default. `Accept: application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"`
on `/api/annotations/…` gives W3C Web Annotations (TextQuoteSelector + TextPositionSelector;
positions are Unicode code points). `/api/verdicts/{id}/claimreview/` gives schema.org
ClaimReview. Streamed bulk exports under `/api/exports/`: annotations as JSONL and CSV,
ClaimReview JSONL/JSON, a Web Annotation collection, doccano JSONL, Label Studio JSON.

## Errors
Every error is `application/problem+json` (RFC 9457): `{type, title, status, detail,
errors: {field: [messages]}}`. Bad input is 400 (413 for bodies over the size limit, 415 for
a wrong media type), a stale `If-Match` is 412.
"""


def add_guide(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("info", {})["description"] = GUIDE.strip()
    return result


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages per field (`field.sub` for nested ones).",
        },
        "current_version": {"type": "integer", "description": "412 only: the stored version."},
    },
}
ERRORS = {
    400: "Bad input: a body, query parameter or header that is wrong; `errors` says which.",
    401: "No credentials, or a bad or revoked token.",
    403: "Signed in but not allowed (role, read-only token, CSRF for sessions).",
    404: "Unknown, or not visible to you.",
    406: "The Accept header asks for a format this operation does not give.",
    409: "Conflicts with the current state (e.g. an adjudication step out of order).",
    412: "If-Match names a version that is no longer current.",
    413: "Request body too large.",
    415: "Content-Type is not application/json.",
    429: "Too many requests; wait for Retry-After seconds.",
    500: "Unexpected error (logged; nothing was changed).",
    503: "The database is unavailable or too slow; retry after Retry-After seconds.",
}
EVERY_OPERATION = (400, 401, 403, 404, 406, 429, 500, 503)
WRITES = {"post": (409, 413, 415), "put": (409, 412, 413, 415), "patch": (409, 412, 413, 415)}
WRITES["delete"] = (409, 412)
PARAMETER_ID_NAMES = {"article", "annotation", "import_job", "verdict_scale", "id", "claim"}
MAX_ID = 10**18 - 1  # 18 digits: what ids in paths and parameters accept (annotations/ids.py)
DATE_TIME_PARAMETERS = {"updated_since"}
BOOLEAN_PARAMETERS = {
    "published", "has_final", "include_unpublished", "needs_attention", "multi",
}  # fmt: skip
JSON_LD = {"type": "object", "additionalProperties": True}


def sync_row(component: str, tombstone: dict[str, Any]) -> dict[str, Any]:
    """A row of a keyset page (the paginator wraps it): a ``component`` object or, in sync
    mode, a tombstone."""
    return {"anyOf": [{"$ref": f"#/components/schemas/{component}"}, tombstone]}


def tombstone(*fields: str) -> dict[str, Any]:
    """A deleted row in sync mode: ``{id, deleted: true, updated_at, ...}``."""
    properties: dict[str, Any] = {
        "id": {"type": "integer"},
        "deleted": {"type": "boolean", "enum": [True]},
        "updated_at": {"type": "string", "format": "date-time"},
        "version": {"type": "integer"},
        "reason": {"type": "string", "enum": ["deleted", "no_verdict", "superseded"]},
    }
    return {
        "type": "object",
        "required": ["id", "deleted", "updated_at", *fields],
        "properties": {
            k: v for k, v in properties.items() if k in ("id", "deleted", "updated_at", *fields)
        },
    }


def add_problem_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Document what every operation can answer besides success: problem+json errors.

    The API's errors come from one handler (annotations/api/errors.py), so they are the same
    everywhere; listing them per operation lets clients and schemathesis check them. Query
    parameters may be sent empty (``?tag=``): that means "not given", as in an HTML form.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for response in responses.values():
                for media_type, content in response.get("content", {}).items():
                    if "ld+json" in media_type and "$ref" not in content.get("schema", {}):
                        # JSON-LD documents, never wrapped in our JSON pages.
                        content["schema"] = JSON_LD
            for code in (*EVERY_OPERATION, *WRITES.get(method, ())):
                existing = responses.get(str(code), {})
                responses[str(code)] = {
                    "description": existing.get("description") or ERRORS[code],
                    "content": problem,
                }
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") != "query" or parameter.get("required"):
                    continue
                parameter["allowEmptyValue"] = True
                name, kind = parameter["name"], schema.get("type")
                if kind in ("integer", "number") and name in PARAMETER_ID_NAMES:
                    schema.update(type="integer", minimum=1, maximum=MAX_ID)
                elif name in BOOLEAN_PARAMETERS:
                    parameter["schema"] = {"type": "boolean"}
                elif name in DATE_TIME_PARAMETERS:
                    schema.update(type="string", format="date-time")
                elif kind == "string" and "enum" not in schema and "format" not in schema:
                    # Query strings are text: a NUL character is refused (400).
                    schema.setdefault("pattern", "^[^\\u0000]*$")
    return result
