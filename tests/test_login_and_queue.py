from __future__ import annotations

from tests.factories import make_article


def test_queue_needs_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reviewer_logs_in_and_sees_articles(client, alice):
    make_article(title="Troops in Kursk")
    response = client.post("/accounts/login/", {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Troops in Kursk" in page.content.decode()
