"""Helpers for the API tests: clients authenticated by a real token or a session."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from annotations.models import Annotation
from annotations.services.tokens import create_token
from tests.factories import make_annotation


def token_client(user: Any, scope: str = "write") -> APIClient:
    """A client that sends a real API token of ``user`` (Authorization: Bearer)."""
    _, key = create_token(user=user, name=f"test {scope}", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def session_client(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def make_final(article: Any, adjudicator: Any, start: int, end: int, **fields: Any) -> Annotation:
    """A final (adjudicated) annotation, as the adjudication service will store it."""
    fields.setdefault("state", "submitted")
    return make_annotation(article, adjudicator, start, end, kind="final", **fields)


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """The personas' passwords are hashed with a fast hasher: these tests never log in by form."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
