"""Span matching, one-to-one alignment and confusion matrices."""

from __future__ import annotations

from annotations.agreement import Span, align_items, match_pair, prf
from annotations.agreement.spans import confusion_for_pair


def S(r: str, s: int, e: int, tag: str = "claim", verdict: str | None = None) -> Span:
    return Span(r, s, e, tag, verdict)


def test_exact_overlap_and_tagblind_counts() -> None:
    a = [S("a", 0, 10), S("a", 20, 30, "denial"), S("a", 40, 50)]
    b = [S("b", 0, 10), S("b", 22, 30, "claim"), S("b", 60, 70)]
    counts = match_pair(a, b)["counts"]
    assert counts["exact"] == {"matched": 1, "only_a": 2, "only_b": 2}
    assert counts["overlap"] == {"matched": 1, "only_a": 2, "only_b": 2}
    assert counts["overlap_tagblind"] == {"matched": 2, "only_a": 1, "only_b": 1}
    f = prf(counts["overlap_tagblind"])
    assert f["precision"]["value"] == 2 / 3 and f["recall"]["value"] == 2 / 3
    assert f["f1"]["value"] == 2 / 3


def test_overlap_matching_is_one_to_one() -> None:
    a = [S("a", 0, 100)]
    b = [S("b", 0, 40), S("b", 50, 100)]
    counts = match_pair(a, b)["counts"]["overlap"]
    assert counts == {"matched": 1, "only_a": 0, "only_b": 1}


def test_greedy_prefers_longest_overlap() -> None:
    # a0 overlaps b0 by 5 and b1 by 8; a1 overlaps only b1 (by 2). Greedy takes (a0, b1) first.
    a = [S("a", 0, 18), S("a", 18, 30)]
    b = [S("b", 5, 10), S("b", 10, 20)]
    counts = match_pair(a, b)["counts"]["overlap"]
    assert counts["matched"] == 1


def test_duplicate_exact_spans_match_once_each() -> None:
    a = [S("a", 0, 10), S("a", 0, 10)]
    b = [S("b", 0, 10)]
    assert match_pair(a, b)["counts"]["exact"] == {"matched": 1, "only_a": 1, "only_b": 0}


def test_per_tag_counts() -> None:
    a = [S("a", 0, 10, "claim"), S("a", 20, 30, "estimate")]
    b = [S("b", 0, 10, "claim"), S("b", 20, 30, "denial")]
    by_tag = match_pair(a, b)["by_tag"]
    assert by_tag["claim"]["exact"] == {"matched": 1, "only_a": 0, "only_b": 0}
    assert by_tag["estimate"]["overlap"] == {"matched": 0, "only_a": 1, "only_b": 0}
    assert by_tag["denial"]["overlap"] == {"matched": 0, "only_a": 0, "only_b": 1}


def test_no_spans_is_undefined_not_an_error() -> None:
    f = prf(match_pair([], [])["counts"]["exact"])
    assert f["f1"]["value"] is None and f["f1"]["undefined_reason"]
    f = prf(match_pair([S("a", 0, 5)], [])["counts"]["exact"])
    assert f["f1"]["value"] == 0.0
    assert f["recall"]["value"] == 0.0
    assert f["precision"]["value"] is None


def test_align_items_one_span_per_reviewer() -> None:
    spans = [S("a", 0, 10), S("a", 5, 15), S("b", 0, 12), S("c", 100, 110)]
    items = align_items(spans)
    # b(0,12) overlaps a(0,10) by 10 and a(5,15) by 7: it joins a(0,10).
    assert items[0] == {"a": S("a", 0, 10), "b": S("b", 0, 12)}
    assert items[1] == {"a": S("a", 5, 15)}
    assert items[2] == {"c": S("c", 100, 110)}


def test_align_items_chains_across_reviewers() -> None:
    spans = [S("a", 0, 10), S("b", 8, 20), S("c", 15, 30)]
    items = align_items(spans)
    assert len(items) == 1 and set(items[0]) == {"a", "b", "c"}


def test_align_items_tie_broken_by_canonical_order() -> None:
    # c overlaps a's two spans by 5 each: it joins the earlier one.
    spans = [S("a", 0, 10), S("a", 20, 30), S("c", 5, 25)]
    items = align_items(spans)
    assert items[0] == {"a": S("a", 0, 10), "c": S("c", 5, 25)}


def test_confusion_matrices_include_none() -> None:
    spans = [
        S("a", 0, 10, "claim", "true"),
        S("b", 0, 10, "denial", "false"),
        S("a", 20, 30, "claim", "true"),
        S("b", 40, 50, "estimate"),
    ]
    tags, verdicts = confusion_for_pair(align_items(spans), "a", "b")
    assert tags == {"claim": {"denial": 1, "(none)": 1}, "(none)": {"estimate": 1}}
    assert verdicts == {"true": {"false": 1}}
