"""Span writes read a window of the article's text cut by the database, in code points."""

from __future__ import annotations

import pytest

from annotations.models import Annotation
from annotations.services.annotating import (
    AnnotationError,
    NotAllowed,
    TextWindow,
    check_span,
    create_annotation,
    update_annotation,
)
from tests.factories import make_article

TRICKY = (
    "Pyongyang 🇰🇵 said \u201c11,000 troops\u201d 😀 were sent.\n"
    "북한군 약 1만 명 — Kim Jong-un ordered it.\n"
    "Cafe\u0301 owners doubted the figure. " + "Padding text. " * 20 + "The end 😀."
)


def test_window_slices_by_absolute_offsets_like_the_text():
    window = TextWindow(length=len(TRICKY), offset=10, chunk=TRICKY[10:60])
    assert len(window) == len(TRICKY)
    assert window[12:40] == TRICKY[12:40]
    assert window[10:60] == TRICKY[10:60]
    assert window[60:60] == ""
    with pytest.raises(IndexError):
        window[5:20]  # before the window: an error, never a wrong slice
    with pytest.raises(IndexError):
        window[50:61]


def test_check_span_on_a_window_reports_like_on_the_text():
    window = TextWindow(length=len(TRICKY), offset=0, chunk=TRICKY[:40])
    with pytest.raises(AnnotationError, match=f"past the end of the text \\({len(TRICKY)}"):
        check_span(window, 0, len(TRICKY) + 1, "x")
    with pytest.raises(AnnotationError, match="quote does not match"):
        check_span(window, 0, 5, "Pyonk")
    assert check_span(window, 0, 9, "Pyongyang") == (0, 9, "Pyongyang")


@pytest.mark.parametrize(
    "needle", ["😀 were sent.\n북한군", "1만 명", "Cafe\u0301 owners", "end 😀."]
)
def test_create_and_move_across_astral_characters(alice, needle):
    article = make_article(text=TRICKY)
    made = create_annotation(user=alice, article=article.pk, start=0, end=9, quote="Pyongyang",
                             tag="claim")  # fmt: skip
    start = TRICKY.index(needle)
    end = start + len(needle)
    moved = update_annotation(
        user=alice, annotation=made.pk, changes={"start": start, "end": end, "quote": needle}
    )
    stored = Annotation.objects.get(pk=moved.pk)
    assert (stored.start, stored.end, stored.quote) == (start, end, needle)
    assert stored.prefix == TRICKY[max(0, start - 32) : start]
    assert stored.suffix == TRICKY[end : end + 32]
    assert stored.version == 2


def test_a_move_past_the_end_or_onto_other_text_is_refused(alice):
    article = make_article(text=TRICKY)
    made = create_annotation(user=alice, article=article, start=0, end=9, quote="Pyongyang",
                             tag="claim")  # fmt: skip
    with pytest.raises(AnnotationError, match="past the end"):
        update_annotation(
            user=alice,
            annotation=made,
            changes={"start": 5, "end": len(TRICKY) + 3, "quote": "x"},
        )
    with pytest.raises(AnnotationError, match="quote does not match") as info:
        update_annotation(
            user=alice, annotation=made, changes={"start": 10, "end": 12, "quote": "🇰"}
        )
    assert info.value.field == "quote"
    assert Annotation.objects.get(pk=made.pk).version == 1


def test_an_article_the_reviewer_cannot_see_is_refused(alice, bob, settings):
    settings.FACTCHECK_ASSIGNMENT_MODE = "assigned"
    article = make_article(text=TRICKY)
    with pytest.raises(AnnotationError, match="that you can see") as info:
        create_annotation(user=alice, article=article, start=0, end=9, quote="Pyongyang",
                          tag="claim")  # fmt: skip
    assert info.value.field == "article"
    assert not article.assignments.exists()  # no self-assignment through the back door


def test_someone_elses_hidden_draft_is_not_visible(alice, bob):
    article = make_article(text=TRICKY)
    made = create_annotation(user=alice, article=article, start=0, end=9, quote="Pyongyang",
                             tag="claim")  # fmt: skip
    with pytest.raises(NotAllowed):
        update_annotation(user=bob, annotation=made.pk, changes={"note": "mine"})
    with pytest.raises(Annotation.DoesNotExist):
        update_annotation(user=alice, annotation=made.pk + 1000, changes={"note": "x"})
