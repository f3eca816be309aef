"""Property-based test of the whole API against its own OpenAPI document (schemathesis).

Every operation gets a bounded number of generated requests, valid and invalid, sent through
the WSGI application with a real read-write token of an adjudicator. None may answer 5xx.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from annotations.models import VerdictLabel
from annotations.services.tokens import create_token
from factcheck.wsgi import application
from tests.api_helpers import fast_passwords, make_final  # noqa: F401
from tests.factories import make_annotation, make_article

MAX_EXAMPLES = 15


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
)
def test_no_server_errors(case: Any, carol_key: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {carol_key}"}, checks=[not_a_server_error]
    )
