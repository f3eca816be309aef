"""The database is the backstop for invariants that API code paths could skip."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from annotations.models import Annotation, AuditEvent, Via
from annotations.services.audit import record
from tests.factories import make_annotation, make_article


def test_span_must_not_be_empty_or_reversed(article, alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_annotation(article, alice, 10, 10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.create(
            article=article, reviewer=alice, start=12, end=3, quote="x", tag="claim"
        )
    assert not Annotation.objects.exists()


def test_same_text_cannot_be_stored_twice(db):
    make_article(text="Same words here.")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(text="Same words here.")


def test_deleting_an_article_with_reviewers_work_is_refused(article, alice):
    make_annotation(article, alice, 0, 11)
    with pytest.raises(ProtectedError):
        article.delete()


def test_deleting_a_reviewer_with_work_is_refused(article, alice):
    make_annotation(article, alice, 0, 11)
    with pytest.raises(ProtectedError):
        alice.delete()


def test_audit_events_are_append_only(article, alice):
    event = record(actor=alice, via=Via.UI, action="test.made", obj=article, article_id=article.pk)
    event.note = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(note="x")
    assert AuditEvent.objects.get().note == ""
