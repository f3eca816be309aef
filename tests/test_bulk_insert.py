"""bulk_insert stores exactly what bulk_create would (COPY on PostgreSQL), pks included."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from annotations.models import Annotation, Article, AuditEvent, ImportItem, ImportJob, VerdictScale
from annotations.services.bulk_insert import bulk_insert
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

AWKWARD = 'Tab\there, newline\nthere, backslash \\ and quote " and NUL-free émoji 🙂 \\N'


def _articles(tag: str) -> list[Article]:
    scale = VerdictScale.objects.default()
    return [
        Article(
            title=f"{tag} {i} {AWKWARD}", text=f"{AWKWARD} {tag} {i}", raw=AWKWARD,
            content_hash=f"{tag}-{i}", minhash=[i, 2**32 - 1], verdict_scale=scale,
            removed_lines=[{"line": 1, "text": AWKWARD, "reason": "ad"}],
        )
        for i in range(3)
    ]  # fmt: skip


def _stored(pks: list[int], model: type) -> list[dict]:
    rows = []
    for obj in model.objects.filter(pk__in=pks).order_by("pk"):
        row = model_to_dict(obj)
        for name in ("id", "content_hash", "title", "text", "created_at", "updated_at"):
            row.pop(name, None)
        rows.append(row)
    return rows


def test_rows_equal_those_of_bulk_create_and_pks_are_set():
    ours = bulk_insert(_articles("ours"))
    theirs = Article.objects.bulk_create(_articles("theirs"))
    assert all(a.pk for a in ours) and len({a.pk for a in ours}) == 3
    assert not any(a._state.adding for a in ours)
    assert _stored([a.pk for a in ours], Article) == _stored([a.pk for a in theirs], Article)
    stored = Article.objects.get(pk=ours[1].pk)
    assert stored.text == f"{AWKWARD} ours 1" and stored.minhash == [1, 2**32 - 1]
    assert stored.created_at is not None  # auto_now_add ran
    # The sequence moved on: a plain create after it gets a new pk.
    assert make_article().pk > max(a.pk for a in ours)


def test_foreign_keys_nulls_and_json_of_related_rows():
    reviewer = make_user("alice")
    article = make_article()
    spans = bulk_insert(
        [
            Annotation(article=article, reviewer=reviewer, start=0, end=5,
                       quote=article.text[:5], tag="claim", evidence_urls=["https://a.example/"])
        ]
    )  # fmt: skip
    events = bulk_insert(
        [
            AuditEvent(actor=None, actor_name="system", via="task", action="annotation.create",
                       object_type="annotation", object_id=spans[0].pk, article_id=article.pk,
                       before=None, after={"quote": AWKWARD})
        ]
    )  # fmt: skip
    span = Annotation.objects.get(pk=spans[0].pk)
    assert (span.reviewer_id, span.evidence_urls, span.quote) == (
        reviewer.pk,
        ["https://a.example/"],
        article.text[:5],
    )
    event = AuditEvent.objects.get(pk=events[0].pk)
    assert event.before is None and event.after == {"quote": AWKWARD} and event.actor_id is None


def test_binary_payloads():
    job = ImportJob.objects.create(created_by=make_user("admin", role="admin"))
    items = bulk_insert(
        [ImportItem(job=job, position=1, name="a.jsonl", payload=b"\x00\xff\\N\t{}")]
    )
    assert bytes(ImportItem.objects.get(pk=items[0].pk).payload) == b"\x00\xff\\N\t{}"


def test_nothing_to_insert():
    assert bulk_insert([]) == []
