"""API tokens: only a hash is stored, the key is shown once, revoked keys stop working."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import Client
from rest_framework.test import APIClient

from annotations.models import ApiToken, AuditEvent
from annotations.services import tokens
from tests.api_helpers import fast_passwords, session_client  # noqa: F401


def bearer(key: str, scheme: str = "Bearer") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
    return client


def test_only_the_hash_is_stored(alice):
    token, key = tokens.create_token(user=alice, name="CMS", scope="read")
    assert key.startswith("fck_") and len(key) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.prefix == key[:12]
    assert AuditEvent.objects.filter(action="token.create", object_id=token.pk).exists()


@pytest.mark.parametrize("scheme", ["Bearer", "Token", "bearer"])
def test_both_header_schemes_authenticate(alice, article, scheme):
    _, key = tokens.create_token(user=alice, name="x")
    assert bearer(key, scheme).get("/api/articles/").status_code == 200


def test_revoked_token_is_401(alice):
    token, key = tokens.create_token(user=alice, name="x")
    client = bearer(key)
    assert client.get("/api/articles/").status_code == 200
    tokens.revoke_token(user=alice, token=token)
    response = client.get("/api/articles/")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_inactive_user_token_is_401(alice):
    _, key = tokens.create_token(user=alice, name="x")
    alice.is_active = False
    alice.save()
    assert bearer(key).get("/api/articles/").status_code == 401


def test_last_used_is_written_at_most_once_a_minute(alice):
    token, key = tokens.create_token(user=alice, name="x")
    client = bearer(key)
    client.get("/api/articles/")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get("/api/articles/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get("/api/articles/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - dt.timedelta(seconds=1)


def test_cannot_revoke_someone_elses_token(alice, bob):
    token, _ = tokens.create_token(user=alice, name="x")
    with pytest.raises(tokens.TokenError):
        tokens.revoke_token(user=bob, token=token)
    response = session_client(bob).delete(f"/api/tokens/{token.pk}/")
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_token_api_create_list_revoke(alice):
    client = session_client(alice)
    created = client.post("/api/tokens/", {"name": "Newsroom", "scope": "write"}, format="json")
    assert created.status_code == 201, created.content
    key = created.json()["key"]
    listed = client.get("/api/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["Newsroom"] and "key" not in listed[0]
    assert bearer(key).patch("/api/annotations/999/", {}, format="json").status_code == 404
    assert client.delete(f"/api/tokens/{created.json()['id']}/").status_code == 204
    assert client.get("/api/tokens/").json()["results"][0]["active"] is False
    assert bearer(key).get("/api/articles/").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [({"name": ""}, "name"), ({"name": "x", "scope": "admin"}, "scope"), ({"nom": "x"}, "nom")],
)
def test_token_api_bad_input(alice, body, field):
    response = session_client(alice).post("/api/tokens/", body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_settings_page_creates_shows_key_once_and_revokes(alice):
    client = Client()
    client.force_login(alice)
    page = client.get("/settings/tokens/")
    assert page.status_code == 200 and b"No tokens yet" in page.content
    created = client.post("/settings/tokens/", {"name": "Research", "scope": "read"})
    assert created.status_code == 200
    key = created.context["new_key"]
    assert key.encode() in created.content and b"only once" in created.content
    again = client.get("/settings/tokens/")
    assert key.encode() not in again.content and b"Research" in again.content
    token = ApiToken.objects.get(user=alice)
    revoked = client.post(f"/settings/tokens/{token.pk}/revoke/", follow=True)
    assert revoked.status_code == 200 and b"revoked" in revoked.content
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert bearer(key).get("/api/articles/").status_code == 401


def test_settings_page_rejects_bad_input_and_needs_login(alice, bob):
    assert Client().get("/settings/tokens/").status_code == 302
    client = Client()
    client.force_login(alice)
    response = client.post("/settings/tokens/", {"name": "  ", "scope": "read"})
    assert response.status_code == 400 and b"Give the token a name" in response.content
    theirs, _ = tokens.create_token(user=bob, name="bob's")
    assert client.post(f"/settings/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.get(f"/settings/tokens/{theirs.pk}/revoke/").status_code == 405
    # The page never lists other users' tokens.
    assert b"bob&#x27;s" not in client.get("/settings/tokens/").content
