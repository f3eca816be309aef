from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotations.text.anchoring import Anchor, Placement, context_for, reanchor, reanchor_all
from tests.revision_texts import P1, P2, P3, P4, P5, QUOTES

# The first five paragraphs are those of the revision tests; P6 here is longer.
P6 = (
    "The confirmation came days after Russia's chief of general staff, Valery Gerasimov, "
    "publicly acknowledged the participation of North Korean soldiers for the first time. "
    "Kyiv has said since October that the troops were training in Russia's Far East before "
    "being moved west, and it has captured at least two of them."
)
ARTICLE = "\n\n".join([P1, P2, P3, P4, P5, P6])


def anchors_on(text: str) -> dict[str, Anchor]:
    found = {}
    for name, quote in QUOTES.items():
        start = text.index(quote)
        assert text.find(quote, start + 1) == -1, f"{name} must be unique in the article"
        found[name] = Anchor.from_text(text, start, start + len(quote))
    return found


def place_all(old: str, new: str) -> dict[str, Placement]:
    anchors = anchors_on(old)
    return dict(zip(anchors, reanchor_all(list(anchors.values()), old, new), strict=True))


def assert_lands_on(placement: Placement, new_text: str) -> None:
    assert placement.start is not None and placement.end is not None
    assert new_text[placement.start : placement.end] == placement.quote


def test_the_article_is_realistic_size():
    assert 1300 <= len(ARTICLE) <= 1700


def test_context_for_takes_up_to_width_code_points():
    assert context_for("abcdefgh", 3, 5, width=2) == ("bc", "fg")
    assert context_for("abcdefgh", 1, 7) == ("a", "h")


def test_anchor_rejects_a_quote_that_does_not_fit_its_offsets():
    with pytest.raises(ValueError, match="quote has 3 code points"):
        Anchor(0, 2, "abc")
    with pytest.raises(ValueError, match="start < end"):
        Anchor(4, 4, "")


def test_unchanged_text_places_every_anchor_exactly():
    anchors = anchors_on(ARTICLE)
    placed = reanchor_all(list(anchors.values()), ARTICLE, ARTICLE)
    for anchor, placement in zip(anchors.values(), placed, strict=True):
        assert placement == Placement("exact", anchor.start, anchor.end, anchor.quote, 1.0)
        assert not placement.needs_review


def test_paragraph_inserted_above_moves_every_span_with_the_same_quote():
    insert = "Editor's note: this article was updated on April 29 with a statement from Kyiv.\n\n"
    new = insert + ARTICLE
    anchors = anchors_on(ARTICLE)
    placed = place_all(ARTICLE, new)
    for name, placement in placed.items():
        assert placement.status == "moved", name
        assert placement.quote == QUOTES[name]
        assert placement.start == anchors[name].start + len(insert)
        assert placement.score == 1.0
        assert_lands_on(placement, new)


def test_corrected_figure_inside_a_span_is_a_fuzzy_match_for_review():
    new = ARTICLE.replace("11,000 troops", "12,000 troops")
    placed = place_all(ARTICLE, new)
    figure = placed["figure"]
    assert figure.status == "fuzzy"
    assert figure.needs_review
    assert figure.quote == "Pyongyang dispatched about 12,000 troops to the Kursk region"
    assert figure.start == ARTICLE.index(QUOTES["figure"])
    assert 0.75 <= figure.score < 1.0
    assert_lands_on(figure, new)
    others = {name: p.status for name, p in placed.items() if name != "figure"}
    assert set(others.values()) == {"exact"}


def test_a_figure_and_a_word_changed_widens_the_span_to_whole_words():
    new = ARTICLE.replace("about 11,000 troops", "roughly 12,000 soldiers")
    figure = place_all(ARTICLE, new)["figure"]
    assert figure.status == "fuzzy"
    assert figure.quote == "Pyongyang dispatched roughly 12,000 soldiers to the Kursk region"


def test_a_changed_last_word_stays_in_the_span_when_the_context_after_it_fits():
    new = ARTICLE.replace("to the Kursk region", "to the Kursk oblast")
    figure = place_all(ARTICLE, new)["figure"]
    assert figure.status == "fuzzy"
    assert figure.quote == "Pyongyang dispatched about 11,000 troops to the Kursk oblast"


def test_deleted_sentence_orphans_its_span_while_the_others_move():
    deleted = QUOTES["kremlin"] + ". "
    new = ARTICLE.replace(deleted, "")
    anchors = anchors_on(ARTICLE)
    placed = place_all(ARTICLE, new)
    assert placed["kremlin"] == Placement("orphaned", None, None, None, 0.0)
    assert placed["kremlin"].needs_review
    cut = ARTICLE.index(deleted)
    for name, placement in placed.items():
        if name == "kremlin":
            continue
        expected_start = anchors[name].start - (len(deleted) if anchors[name].start > cut else 0)
        assert placement.status == ("moved" if anchors[name].start > cut else "exact"), name
        assert placement.start == expected_start
        assert placement.quote == QUOTES[name]


def test_short_quote_whose_sentence_was_deleted_is_not_silently_moved_elsewhere():
    old = ARTICLE
    start = old.index("Kursk border region")
    anchor = Anchor.from_text(old, start, start + len("Kursk border region"))
    sentence_end = old.index("Kim Jong Un.") + len("Kim Jong Un. ")
    new = old[: old.index("The state news agency")] + old[sentence_end:]
    new += " Fighting has moved away from the Kursk border region since March."
    [placement] = reanchor_all([anchor], old, new)
    assert placement.status == "fuzzy"
    assert placement.needs_review
    assert placement.quote == "Kursk border region"
    assert placement.start == new.index("Kursk border region")


def test_reflowed_whitespace_is_found_as_moved_with_the_real_new_quote():
    # The old text was hard-wrapped; the revision joins the lines and uses two spaces
    # after full stops.
    wrapped = "\n".join(_wrap(paragraph, 70) for paragraph in ARTICLE.split("\n\n"))
    reflowed = wrapped.replace("\n", " ").replace(". ", ".  ")
    old_anchors = _anchors_by_normalised_quote(wrapped)
    placed = reanchor_all(old_anchors, wrapped, reflowed)
    crossing_a_break = 0
    for anchor, placement in zip(old_anchors, placed, strict=True):
        assert placement.status in ("exact", "moved")
        assert_lands_on(placement, reflowed)
        assert placement.quote is not None
        assert placement.quote.split() == anchor.quote.split()
        if "\n" in anchor.quote or ". " in anchor.quote:
            crossing_a_break += 1
            assert placement.status == "moved"
            assert placement.quote != anchor.quote
    assert crossing_a_break >= 2


def test_duplicated_phrase_above_does_not_capture_the_span():
    anchor = anchors_on(ARTICLE)["china"]
    new_paragraph = (
        "Update: asked again on Tuesday, China declined to comment on the deployment of "
        "further units.\n\n"
    )
    new = new_paragraph + ARTICLE
    assert new.index(QUOTES["china"]) < len(new_paragraph)  # the first occurrence is the new one
    [placement] = reanchor_all([anchor], ARTICLE, new)
    assert placement.status == "moved"
    assert placement.start == anchor.start + len(new_paragraph)


def test_duplicate_landing_on_the_old_offsets_does_not_win_over_the_real_context():
    anchor = anchors_on(ARTICLE)["china"]
    filler = ("Update: officials repeated the statement on Tuesday. " * 40)[: anchor.start]
    new = filler + QUOTES["china"] + " of any new units.\n\n" + ARTICLE
    assert new[anchor.start : anchor.end] == anchor.quote  # same offsets match by coincidence
    real = len(filler) + len(QUOTES["china"]) + len(" of any new units.\n\n") + anchor.start
    assert new.find(anchor.quote, anchor.end) == real
    with_diff = reanchor_all([anchor], ARTICLE, new)[0]
    without_diff = reanchor(anchor, new)
    for placement in (with_diff, without_diff):
        assert placement.status == "moved"
        assert placement.start == real


def test_paragraph_moved_to_the_end_moves_its_spans():
    new = "\n\n".join([P1, P3, P4, P5, P6, P2])
    placed = place_all(ARTICLE, new)
    for name in ("figure", "casualties"):
        assert placed[name].status == "moved"
        assert placed[name].start == new.index(QUOTES[name])
        assert placed[name].quote == QUOTES[name]


def test_paragraph_moved_and_corrected_is_found_far_from_where_it_was():
    new = "\n\n".join([P1, P3, P4, P5, P6, P2.replace("11,000", "12,000")])
    figure = place_all(ARTICLE, new)["figure"]
    assert figure.status == "fuzzy"
    assert figure.quote == "Pyongyang dispatched about 12,000 troops to the Kursk region"
    assert figure.start == new.index("Pyongyang dispatched")


def test_offsets_are_code_points_after_emoji_cjk_and_combining_accents():
    head = "Ле\u0301тчики 😀 北朝鮮の兵士 🇰🇵 cafe\u0301: "
    old = head + ARTICLE
    anchors = anchors_on(old)
    inserted = "速報 👍🏽 Update:\n\n"
    new = inserted + old.replace("11,000", "12,000")
    placed = dict(zip(anchors, reanchor_all(list(anchors.values()), old, new), strict=True))
    assert placed["china"].status == "moved"
    assert placed["china"].start == anchors["china"].start + len(inserted)
    assert new[placed["china"].start : placed["china"].end] == QUOTES["china"]
    figure = placed["figure"]
    assert figure.status == "fuzzy"
    assert figure.quote == "Pyongyang dispatched about 12,000 troops to the Kursk region"
    assert figure.start == anchors["figure"].start + len(inserted)
    # A span that is itself made of non-BMP and combining characters.
    start = old.index("😀")
    emoji_anchor = Anchor.from_text(old, start, start + len("😀 北朝鮮"))
    [emoji_placed] = reanchor_all([emoji_anchor], old, new)
    assert (emoji_placed.status, emoji_placed.start) == ("moved", start + len(inserted))


def test_reanchor_alone_finds_a_moved_span_by_context():
    anchor = anchors_on(ARTICLE)["verified"]
    new = "A new opening paragraph about the war.\n\n" + ARTICLE
    placement = reanchor(anchor, new)
    assert placement.status == "moved"
    assert placement.start == anchor.start + len("A new opening paragraph about the war.\n\n")


def test_reanchor_all_keeps_order_and_length():
    anchors = list(anchors_on(ARTICLE).values())
    reversed_anchors = anchors[::-1]
    placed = reanchor_all(reversed_anchors, ARTICLE, ARTICLE)
    assert [p.start for p in placed] == [a.start for a in reversed_anchors]
    assert reanchor_all([], ARTICLE, "") == []


def test_everything_is_orphaned_when_the_new_text_is_empty():
    placed = reanchor_all(list(anchors_on(ARTICLE).values()), ARTICLE, "")
    assert {p.status for p in placed} == {"orphaned"}


# A small alphabet makes repeats (and so ambiguous quotes) likely; the second draws from all
# of Unicode.
ALPHABET = "ab cd.\n😀北e\u0301Ж"
TEXTS = st.text(alphabet=ALPHABET, min_size=1, max_size=300) | st.text(min_size=1, max_size=300)
INSERTS = st.text(alphabet=ALPHABET, max_size=60) | st.text(max_size=60)


@st.composite
def text_and_span(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(TEXTS)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, min(len(text), start + 40)))
    return text, start, end


@settings(max_examples=300, deadline=None)
@given(text_and_span())
def test_property_unchanged_text_is_exact_at_the_same_offsets(case):
    text, start, end = case
    anchor = Anchor.from_text(text, start, end)
    assert reanchor_all([anchor], text, text) == [
        Placement("exact", start, end, text[start:end], 1.0)
    ]
    assert reanchor(anchor, text).status == "exact"


@settings(max_examples=300, deadline=None)
@given(text_and_span(), INSERTS, st.data())
def test_property_insertion_before_the_span_shifts_it(case, insert, data):
    text, start, end = case
    anchor = Anchor.from_text(text, start, end)
    assume(anchor.quote not in insert)
    at = data.draw(st.integers(0, start))
    new = text[:at] + insert + text[at:]
    [placement] = reanchor_all([anchor], text, new)
    assert placement.status in ("exact", "moved")
    assert placement.start == start + len(insert)
    assert placement.quote == anchor.quote


WORDS = ["troops", "Kursk", "12,000", "北朝鮮", "😀", "cafe\u0301", "said", "the"]
SPACES = [" ", "  ", "\n", "\n\n", "\t", "\u00a0", " \n "]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_property_reflowed_whitespace_keeps_the_words_of_the_span(data):
    words = data.draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=40))
    old_spaces = data.draw(st.lists(st.sampled_from(SPACES), min_size=len(words) - 1,
                                    max_size=len(words) - 1))  # fmt: skip
    new_spaces = data.draw(st.lists(st.sampled_from(SPACES), min_size=len(words) - 1,
                                    max_size=len(words) - 1))  # fmt: skip
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, len(words) - 1))

    def join(spaces: list[str]) -> tuple[str, list[int]]:
        text, starts = "", []
        for i, word in enumerate(words):
            starts.append(len(text))
            text += word + (spaces[i] if i < len(spaces) else "")
        return text, starts

    old, old_starts = join(old_spaces)
    new, new_starts = join(new_spaces)
    end = old_starts[last] + len(words[last])
    if last < len(old_spaces) and data.draw(st.booleans()):
        end += len(old_spaces[last])  # a span that ends with the whitespace after a word
    anchor = Anchor.from_text(old, old_starts[first], end)
    [placement] = reanchor_all([anchor], old, new)
    assert placement.status in ("exact", "moved")
    assert_lands_on(placement, new)
    assert placement.quote is not None
    assert placement.quote.split() == anchor.quote.split()
    if words.count(words[first]) == 1:  # unambiguous: it must be the same words
        assert placement.start == new_starts[first]


def _wrap(paragraph: str, width: int) -> str:
    lines, line = [], ""
    for word in paragraph.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def _anchors_by_normalised_quote(wrapped: str) -> list[Anchor]:
    """The article's spans located in a hard-wrapped copy, where a space may be a line break."""
    flat = wrapped.replace("\n", " ")
    anchors = []
    for quote in QUOTES.values():
        start = flat.index(quote)
        anchors.append(Anchor.from_text(wrapped, start, start + len(quote)))
    return anchors
