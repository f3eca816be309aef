"""The annotate page: escaped text, data for the script, blind review, read-only after submit."""

from __future__ import annotations

import json
import re

from annotations.services.annotating import submit_article
from tests.factories import make_annotation, make_article


def _data(response):
    match = re.search(
        r'<script id="workspace-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_page_shows_article_and_my_annotations(client, alice):
    article = make_article(title="Troops", source="Wire", byline="A. Writer")
    ann = make_annotation(article, alice, 0, 11, note="mine")
    client.force_login(alice)
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Troops" in html and "Wire" in html and "By A. Writer" in html
    data = _data(response)
    assert data["article"]["text"] == article.text
    assert [(a["id"], a["start"], a["end"], a["mine"]) for a in data["annotations"]] == [
        (ann.pk, 0, 11, True)
    ]
    assert data["readonly"] is False
    assert [label["slug"] for label in data["labels"]][:2] == ["true", "mostly-true"]
    assert "csrftoken" in response.cookies


def test_markup_in_text_is_escaped(client, alice):
    article = make_article('Hi <script>alert(1)</script><img src=x onerror="alert(2)"> there.')
    client.force_login(alice)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert _data(client.get(f"/articles/{article.pk}/"))["article"]["text"] == article.text


def test_blind_review_hides_others_until_i_submit(client, alice, bob):
    article = make_article()
    theirs = make_annotation(article, alice, 0, 11)
    client.force_login(bob)
    assert _data(client.get(f"/articles/{article.pk}/"))["annotations"] == []
    make_annotation(article, bob, 12, 20)
    submit_article(user=bob, article=article)
    data = _data(client.get(f"/articles/{article.pk}/"))
    assert {a["id"]: a["mine"] for a in data["annotations"]}[theirs.pk] is False
    assert data["readonly"] is True and data["status"] == "submitted"


def test_invisible_article_is_404(client, alice, charlie, settings):
    article = make_article()
    client.force_login(charlie)
    assert client.get(f"/articles/{article.pk}/").status_code == 404
    settings.FACTCHECK_ASSIGNMENT_MODE = "assigned"
    client.force_login(alice)
    assert client.get(f"/articles/{article.pk}/").status_code == 404


def test_page_needs_login(client, article):
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unassigned_reviewer_reads_only(client, alice, article):
    from annotations.models import Assignment

    Assignment.objects.create(article=article, reviewer=alice, active=False)
    client.force_login(alice)
    response = client.get(f"/articles/{article.pk}/")
    assert _data(response)["readonly"] is True
    assert 'id="submit-open"' not in response.content.decode()


def test_span_whose_text_changed_is_sent_with_its_quote_as_orphaned(client, alice, article):
    from annotations.models import Annotation

    fine = make_annotation(article, alice, 0, 11)
    lost = make_annotation(article, alice, 12, 20)
    Annotation.objects.filter(pk=lost.pk).update(quote="no longer here", anchor_status="orphaned")
    client.force_login(alice)
    rows = {a["id"]: a for a in _data(client.get(f"/articles/{article.pk}/"))["annotations"]}
    assert "quote" not in rows[fine.pk] and not rows[fine.pk].get("orphaned")
    assert rows[lost.pk]["orphaned"] is True and rows[lost.pk]["quote"] == "no longer here"
