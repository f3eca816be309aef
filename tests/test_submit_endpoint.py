"""POST /api/articles/<id>/submit/ hands in a review; afterwards it is read-only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from annotations.models import Annotation, AnnotationState, Assignment, AuditEvent
from tests.factories import make_annotation


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


def test_submit_then_annotations_are_read_only(api, alice, article):
    ann = make_annotation(article, alice, 0, 11)
    Assignment.objects.create(article=article, reviewer=alice, status="in_progress")
    response = api.post(f"/api/articles/{article.pk}/submit/", HTTP_X_CLIENT="web")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert Annotation.objects.get(pk=ann.pk).state == AnnotationState.SUBMITTED
    assert AuditEvent.objects.filter(action="assignment.submit", via="ui").count() == 1

    refused = api.patch(f"/api/annotations/{ann.pk}/", {"note": "late"}, format="json")
    assert refused.status_code == 403
    assert "read-only" in refused.json()["detail"]
    again = api.post(f"/api/articles/{article.pk}/submit/")
    assert again.status_code == 403
    created = api.post(
        "/api/annotations/",
        {"article": article.pk, "start": 0, "end": 5, "quote": article.text[:5], "tag": "claim"},
        format="json",
    )
    assert created.status_code == 403


def test_submit_needs_a_visible_article_and_a_reviewer(charlie, article, alice, settings):
    outsider = APIClient()
    outsider.force_authenticate(charlie)
    # An account with no role is refused before any lookup (the API's permission matrix).
    assert outsider.post(f"/api/articles/{article.pk}/submit/").status_code == 403
    settings.FACTCHECK_ASSIGNMENT_MODE = "assigned"
    client = APIClient()
    client.force_authenticate(alice)
    assert client.post(f"/api/articles/{article.pk}/submit/").status_code == 404
    assert APIClient().post(f"/api/articles/{article.pk}/submit/").status_code == 401


def test_wrong_quote_is_400_and_not_stored(api, article):
    response = api.post(
        "/api/annotations/",
        {"article": article.pk, "start": 6, "end": 11, "quote": "Korea!", "tag": "claim"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "quote does not match the text at [6:11]" in body["detail"]
    assert "quote" in body["errors"]
    assert Annotation.objects.count() == 0
