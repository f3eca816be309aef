"""The history page shows changes as readable "field: old → new" rows: nested values (lists of
finals, per-reviewer spans, anchor counts) in words, never as Python dict/list reprs."""

from __future__ import annotations

import pytest

from annotations.services import adjudication as adj
from annotations.templatetags.ui_tags import readable
from tests.adjudication_helpers import two_reviews

pytestmark = pytest.mark.django_db


def test_readable_values() -> None:
    assert readable(None) == "—"
    assert readable([]) == "—"
    assert readable(["https://a.example", "https://b.example"]) == (
        "https://a.example, https://b.example"
    )
    assert readable({"exact": 3, "fuzzy": 1}) == "exact: 3\nfuzzy: 1"
    assert readable([{"id": 4, "verdict": "false"}, {"id": 5, "verdict": None}]) == (
        "(id: 4; verdict: false)\n(id: 5; verdict: —)"
    )
    assert readable(True) == "yes"


def test_history_page_has_no_python_reprs(client, article, alice, bob, carol):
    reviews = two_reviews(article, alice, bob)
    items = adj.adjudication_view(article)
    open_item = next(i for i in items if not i.finals and reviews["a_wounded"].pk in
                     [m.pk for m in i.members.values()])  # fmt: skip
    adj.dismiss_item(by=carol, article=article, item=open_item.key, rationale="Not a claim")
    adj.accept_version(by=carol, article=article, annotation=reviews["a_troops"], rationale="ok")
    client.force_login(carol)
    html = client.get(f"/articles/{article.pk}/history/").content.decode()
    assert "{&#x27;" not in html and "[&#x27;" not in html and "[{" not in html
    assert "item.dismiss" in html
    assert "4,000 were wounded" in html  # the dismissed spans, in words
