"""Admins import earlier fact-checks; matching claims show "already checked" with the link."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import ClaimAppearance, EarlierCheckMatch, EarlierFactCheck
from tests.api_helpers import fast_passwords, session_client, token_client  # noqa: F401
from tests.claims_seeds import import_seeds_and_match

pytestmark = pytest.mark.django_db

CSV = (
    "claim,rating,url,publisher\n"
    "Ukraine captured two Chinese nationals fighting for Russia in Donetsk,True,"
    "https://checks.example/chinese-captured,Example Check\n"
    "The moon is made of cheese,False,javascript:alert(1),Bad\n"
)
CLAIM_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checks.example/troops-11000",
    "claimReviewed": "Pyongyang sent 11,000 troops to Russia",
    "reviewRating": {"@type": "Rating", "alternateName": "Mostly true"},
    "author": {"@type": "Organization", "name": "Another Desk"},
    "datePublished": "2025-03-01",
}


@pytest.fixture(autouse=True)
def _lexical_only(settings):
    settings.CLAIMS_EMBEDDINGS = "off"


def _upload(client, name: str, body: bytes):
    return client.post(
        "/api/claims/fact-checks/import/",
        {"file": SimpleUploadedFile(name, body)},
        format="multipart",
    )


def test_admin_imports_csv_and_only_http_links_are_kept(
    admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(token_client(admin_user), "checks.csv", CSV.encode())
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["skipped"]) == (1, 0) and len(body["errors"]) == 1
    assert list(EarlierFactCheck.objects.values_list("url", flat=True)) == [
        "https://checks.example/chinese-captured"
    ]


def test_jsonld_and_jsonl_claim_reviews(admin_user, django_capture_on_commit_callbacks):
    client = token_client(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(client, "one.json", json.dumps(CLAIM_REVIEW).encode()).status_code == 200
        line = json.dumps({**CLAIM_REVIEW, "url": "https://checks.example/other"})
        assert _upload(client, "many.jsonl", line.encode()).status_code == 200
    check = EarlierFactCheck.objects.get(url="https://checks.example/troops-11000")
    assert (check.rating, check.publisher, str(check.date)) == (
        "Mostly true",
        "Another Desk",
        "2025-03-01",
    )
    assert EarlierFactCheck.objects.count() == 2


def test_bad_files_are_explained_and_non_admins_refused(admin_user, alice):
    assert _upload(token_client(alice), "c.csv", CSV.encode()).status_code == 403
    response = _upload(token_client(admin_user), "c.csv", b"foo,bar\n1,2\n")
    assert response.status_code == 400 and "claim, rating, url" in response.content.decode()
    response = _upload(token_client(admin_user), "c.json", b"{not json")
    assert response.status_code == 400 and "not JSON" in response.content.decode()


def test_new_claims_show_already_checked_with_rating_and_link(
    admin_user, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(token_client(admin_user), "checks.csv", CSV.encode())
    import_seeds_and_match()
    claim = ClaimAppearance.objects.get(quote__contains="captured two Chinese nationals").claim
    match = EarlierCheckMatch.objects.get(claim=claim)
    assert match.fact_check.rating == "True"
    body = token_client(alice).get(f"/api/claims/{claim.pk}/").json()
    assert body["earlier_checks"][0]["url"] == "https://checks.example/chinese-captured"
    page = session_client(alice).get(f"/claims/{claim.pk}/").content.decode()
    assert "Already checked" in page and 'href="https://checks.example/chinese-captured"' in page
