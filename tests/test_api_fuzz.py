"""Property-based test of the whole API against its own OpenAPI document (schemathesis).

Every operation gets a bounded number of generated requests, valid and invalid, sent through
the WSGI application with a real read-write token of an adjudicator. None may answer 5xx,
and every answer must be what the document says: a documented status code and content type,
a body that fits the response schema, invalid requests refused and valid ones accepted.

Bounded for CI: MAX_EXAMPLES per operation, derandomized (the same examples every run).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from annotations.models import VerdictLabel
from annotations.services.tokens import create_token
from factcheck.wsgi import application
from tests.api_helpers import fast_passwords, make_final  # noqa: F401
from tests.factories import make_annotation, make_article

MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]
# Schema-valid requests of these are still refused when they do not fit the stored data (the
# quote must equal the article text at start:end, `based_on` must be a submitted review,
# If-Match must name the current version: 412), which no schema can say: they are checked
# for everything but positive_data_acceptance.
DATA_DEPENDENT = {
    "POST /api/annotations/",
    "PATCH /api/annotations/{id}/",
    "DELETE /api/annotations/{id}/",
    "POST /api/finals/",
    "PATCH /api/finals/{id}/",
    "DELETE /api/finals/{id}/",
    # These too depend on stored state: an anchor must be fuzzy to confirm, an item key must
    # name an item of the article's adjudication view, spans must quote the text.
    "POST /api/annotations/{id}/anchor/",
    "POST /api/articles/{id}/adjudication/dismiss/",
    "POST /api/articles/{id}/adjudication/undismiss/",
    "POST /api/articles/{id}/spans/",
}


@pytest.fixture
def keep_test_connection() -> Any:
    """The WSGI app would close the test's database connection after each request, as
    Django's own test client prevents: keep it open while the fuzzer calls the app."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def carol_key(db: Any, keep_test_connection: Any, alice: Any, carol: Any) -> str:
    """Some data to find, and an adjudicator's read-write token to look with."""
    article = make_article(url="https://news.example/1")
    false = VerdictLabel.objects.get(scale=article.verdict_scale, slug="false")
    make_annotation(article, alice, 0, 5, verdict=false)
    make_final(article, carol, 0, 5, verdict=false)
    return create_token(user=carol, name="fuzz", scope="write")[1]


# Generating the document needs no database, so it is loaded once, at collection.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,  # the same examples every run: no replay of a developer's old failures
)
def test_api_conforms_to_its_schema(case: Any, carol_key: str) -> None:
    checks = list(CHECKS)
    if case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
        # A cursor is an opaque token from a `next` link: a generated one is rightly a 400.
        if isinstance(case.query, dict):
            case.query.pop("cursor", None)
        if f"{case.method} {case.path}" in DATA_DEPENDENT:
            checks.remove(positive_data_acceptance)
    if (
        case.meta is not None
        and case.meta.generation.mode == GenerationMode.NEGATIVE
        and isinstance(case.query, dict)
        and any(isinstance(v, list) and len(v) <= 1 for v in case.query.values())
    ):
        # A "wrong type" query value that is an array of one item goes on the wire as that
        # item (`verdict=["x"]` is sent as `verdict=x`), i.e. as a valid request: the server
        # cannot tell, so "invalid data rejected" does not apply (seen intermittently in CI,
        # as the examples drawn vary). Repeated parameters are refused: test_api_exports.py.
        checks.remove(negative_data_rejection)
    case.call_and_validate(headers={"Authorization": f"Bearer {carol_key}"}, checks=checks)
