"""The annotating service: exact offsets, validation, read-only after submit, versions."""

from __future__ import annotations

import pytest

from annotations.models import Annotation, Article, AssignmentStatus, AuditEvent
from annotations.services.annotating import (
    AnnotationError,
    NotAllowed,
    StaleVersion,
    create_annotation,
    delete_annotation,
    submit_article,
    update_annotation,
)
from tests.factories import make_article

TRICKY = (
    "Pyongyang 🇰🇵 said \u201c11,000 troops\u201d 😀 were sent.\n"
    "북한군 약 1만 명 — Kim Jong-un ordered it.\n"
    "Cafe\u0301 owners doubted the figure."
)


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


@pytest.mark.parametrize(
    "needle",
    [
        "\u201c11,000 troops\u201d",
        "😀 were sent.\n북한군",
        "1만 명",
        "Cafe\u0301 owners",
        "sent.\n",
    ],
)
def test_code_point_offsets_round_trip(alice, needle):
    article = make_article(text=TRICKY)
    start, end = _span(TRICKY, needle)
    annotation = create_annotation(
        user=alice, article=article, start=start, end=end, quote=needle, tag="claim"
    )
    annotation.refresh_from_db()
    assert article.text[annotation.start : annotation.end] == annotation.quote == needle


def test_quote_that_does_not_match_is_refused_and_nothing_stored(alice):
    article = make_article(text=TRICKY)
    start, end = _span(TRICKY, "1만 명")
    with pytest.raises(AnnotationError, match="quote does not match") as info:
        # UTF-16 offsets from a browser would be off by the emoji's surrogate pairs
        create_annotation(
            user=alice, article=article, start=start + 4, end=end + 4, quote="1만 명", tag="claim"
        )
    assert info.value.field == "quote"
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(-1, 3, "start"), (5, 5, "end"), (5, 2, "end"), (0, 10_000, "end"), ("0", 3, "start")],
)
def test_bad_offsets_name_the_field(alice, article, start, end, field):
    with pytest.raises(AnnotationError) as info:
        create_annotation(
            user=alice, article=article, start=start, end=end, quote="North", tag="claim"
        )
    assert info.value.field == field


def test_tag_and_verdict_must_belong_to_the_scale(alice, article):
    with pytest.raises(AnnotationError, match="tag must be one of"):
        create_annotation(user=alice, article=article, start=0, end=5, quote="North", tag="fact")
    with pytest.raises(AnnotationError, match="not on this article's scale"):
        create_annotation(
            user=alice, article=article, start=0, end=5, quote="North", tag="claim",
            verdict="supported",
        )  # fmt: skip
    ok = create_annotation(
        user=alice, article=article, start=0, end=5, quote="North", tag="claim", verdict="false"
    )
    assert ok.verdict.slug == "false"


def test_evidence_must_be_http_urls(alice, article):
    with pytest.raises(AnnotationError, match="not an http"):
        create_annotation(
            user=alice, article=article, start=0, end=5, quote="North", tag="claim",
            evidence_urls=["javascript:alert(1)"],
        )  # fmt: skip


def test_outsider_cannot_annotate(charlie, article):
    with pytest.raises(NotAllowed):
        create_annotation(user=charlie, article=article, start=0, end=5, quote="North", tag="claim")


def test_stale_version_is_refused(alice, article):
    a = create_annotation(user=alice, article=article, start=0, end=5, quote="North", tag="claim")
    update_annotation(user=alice, annotation=a, changes={"note": "first"}, expected_version=1)
    with pytest.raises(StaleVersion):
        update_annotation(user=alice, annotation=a, changes={"note": "lost"}, expected_version=1)
    a.refresh_from_db()
    assert (a.note, a.version) == ("first", 2)


def test_others_cannot_edit_my_annotation(alice, bob, article):
    a = create_annotation(user=alice, article=article, start=0, end=5, quote="North", tag="claim")
    with pytest.raises(NotAllowed):
        update_annotation(user=bob, annotation=a, changes={"note": "mine now"})


def test_delete_is_soft_and_audited(alice, article):
    a = create_annotation(user=alice, article=article, start=0, end=5, quote="North", tag="claim")
    delete_annotation(user=alice, annotation=a, expected_version=1)
    a.refresh_from_db()
    assert a.deleted_at is not None and a.version == 2
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "annotation.create",
        "annotation.delete",
    ]


def test_submit_makes_work_read_only_and_marks_reviewed(alice, article):
    a = create_annotation(user=alice, article=article, start=0, end=5, quote="North", tag="claim")
    assignment = submit_article(user=alice, article=article)
    assert assignment.status == AssignmentStatus.SUBMITTED
    a.refresh_from_db()
    assert a.state == "submitted"
    assert Article.objects.get(pk=article.pk).status == "reviewed"
    with pytest.raises(NotAllowed, match="read-only"):
        update_annotation(user=alice, annotation=a, changes={"note": "late"})
    with pytest.raises(NotAllowed, match="read-only"):
        create_annotation(user=alice, article=article, start=6, end=11, quote="Korea", tag="claim")
