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
