"""Article and corpus reports, edge cases, JSONL input."""

from __future__ import annotations

import json
import math

import pytest

from annotations.agreement import (
    AgreementInputError,
    article_report,
    corpus_report,
    parse_jsonl,
    report_from_jsonl,
    unitizing_alpha,
)

SCALE = [
    {"slug": "false", "ordinal": 0, "is_rateable": True},
    {"slug": "mostly-false", "ordinal": 1, "is_rateable": True},
    {"slug": "true", "ordinal": 2, "is_rateable": True},
    {"slug": "unverifiable", "ordinal": None, "is_rateable": False},
]


def sp(r: str, s: int, e: int, tag: str = "claim", verdict: str | None = None) -> dict:
    return {"reviewer": r, "start": s, "end": e, "tag": tag, "verdict": verdict}


def _walk_values(obj: object) -> list[float]:
    if isinstance(obj, float):
        return [obj]
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in _walk_values(v)]
    if isinstance(obj, list):
        return [x for v in obj for x in _walk_values(v)]
    return []


def _assert_clean(report: dict) -> None:
    json.dumps(report, allow_nan=False)
    assert all(math.isfinite(x) for x in _walk_values(report))


def test_single_reviewer_is_undefined() -> None:
    r = article_report([sp("a", 0, 10, verdict="true")], 100, scale=SCALE)
    _assert_clean(r)
    assert r["unitizing"]["overall"]["value"] is None
    assert r["verdicts"]["alpha_nominal"]["undefined_reason"]
    assert r["spans"]["mean_over_pairs"]["exact"]["f1"]["value"] is None
    assert "fewer than two reviewers" in r["notes"][-1]


def test_no_spans() -> None:
    r = article_report([], 100, reviewers=["a", "b"])
    _assert_clean(r)
    assert r["n_spans"] == 0
    assert r["unitizing"]["overall"]["undefined_reason"] == "no spans"
    assert r["spans"]["pooled"]["exact"]["f1"]["value"] is None


def test_everyone_identical() -> None:
    spans = [sp(r, 10, 20, "claim", "true") for r in "abc"]
    spans += [sp(r, 30, 45, "denial", "false") for r in "abc"]
    r = article_report(spans, 100, scale=SCALE)
    _assert_clean(r)
    assert r["unitizing"]["overall"]["value"] == 1.0
    assert r["verdicts"]["alpha_nominal"]["value"] == 1.0
    assert r["verdicts"]["alpha_ordinal"]["value"] == 1.0
    assert r["verdicts"]["fleiss_kappa"]["value"] == 1.0
    for mode in ("exact", "overlap", "overlap_tagblind"):
        assert r["spans"]["mean_over_pairs"][mode]["f1"]["value"] == 1.0


def test_only_one_verdict_used_is_undefined() -> None:
    spans = [sp(r, 10, 20, "claim", "true") for r in "ab"]
    r = article_report(spans, 100, scale=SCALE)
    _assert_clean(r)
    alpha = r["verdicts"]["alpha_nominal"]
    assert alpha["value"] is None
    assert alpha["undefined_reason"] == "only one value used: expected disagreement is 0"
    assert r["verdicts"]["cohen_kappa_by_pair"][0]["kappa"]["value"] is None


def test_ordinal_uses_rateable_labels_only() -> None:
    spans = [
        sp("a", 0, 10, verdict="false"),
        sp("b", 0, 10, verdict="mostly-false"),
        sp("a", 20, 30, verdict="true"),
        sp("b", 20, 30, verdict="true"),
        sp("a", 40, 50, verdict="unverifiable"),
        sp("b", 40, 50, verdict="true"),
    ]
    r = article_report(spans, 100, scale=SCALE)
    assert r["verdicts"]["alpha_ordinal"]["counts"]["n_pairable"] == 4
    assert r["verdicts"]["alpha_nominal"]["counts"]["n_pairable"] == 6
    assert article_report(spans, 100)["verdicts"]["alpha_ordinal"]["undefined_reason"]


def test_fleiss_undefined_with_unequal_ratings() -> None:
    spans = [sp(r, 0, 10, verdict="true") for r in "abc"]
    spans += [sp(r, 20, 30, verdict="false") for r in "ab"]
    fk = article_report(spans, 100)["verdicts"]["fleiss_kappa"]
    assert fk["value"] is None
    assert "different numbers of ratings" in fk["undefined_reason"]


def test_confusion_and_pairs_in_report() -> None:
    spans = [sp("a", 0, 10, "claim", "true"), sp("b", 0, 10, "denial", "false"), sp("a", 50, 60)]
    r = article_report(spans, 100)
    conf = r["confusion"][0]
    assert (conf["a"], conf["b"]) == ("a", "b")
    assert conf["tags"] == {"claim": {"(none)": 1, "denial": 1}}
    assert conf["verdicts"] == {"true": {"false": 1}}


def test_spans_clipped_and_missing_text_length_noted() -> None:
    r = article_report([sp("a", 0, 10), sp("b", 5, 500)], 100)
    assert any("clipped" in n for n in r["notes"])
    r = article_report([sp("a", 0, 10), sp("b", 5, 40)], None)
    assert r["text_length"] == 40
    assert any("text_length missing" in n for n in r["notes"])


def test_corpus_alpha_u_equals_concatenation_when_no_gap_crosses_a_boundary() -> None:
    # Every coder has a unit touching the end of article 1 and the start of article 2, so the
    # literal concatenation has no gap across the boundary and must give the same figures.
    art1 = [sp("a", 10, 40), sp("a", 90, 100), sp("b", 15, 40), sp("b", 80, 100, "denial")]
    art1 += [sp("b", 95, 100), sp("a", 85, 100, "denial")]
    art2 = [sp("a", 0, 20), sp("b", 0, 25), sp("a", 50, 60, "denial"), sp("b", 52, 60, "denial")]
    corpus = corpus_report([article_report(art1, 100), article_report(art2, 80)])
    units = [(s["start"], s["end"], s["reviewer"], s["tag"]) for s in art1]
    units += [(s["start"] + 100, s["end"] + 100, s["reviewer"], s["tag"]) for s in art2]
    direct = unitizing_alpha(units, 0, 180)
    got = corpus["unitizing"]
    assert math.isclose(got["overall"]["value"], direct["overall"]["value"], rel_tol=1e-12)
    for cat in ("claim", "denial"):
        assert math.isclose(
            got["per_category"][cat]["value"], direct["per_category"][cat]["value"], rel_tol=1e-12
        )


def test_corpus_groups_and_raw_articles() -> None:
    arts = [
        {"article": "x", "spans": [sp("a", 0, 10), sp("b", 0, 10)], "text_length": 50, "src": 1},
        {"article": "y", "spans": [sp("a", 0, 10), sp("b", 20, 30)], "text_length": 50, "src": 2},
    ]
    out = corpus_report(arts, key=lambda a: a["article"])
    assert out["overall"]["n_articles"] == 2
    assert out["groups"]["x"]["spans"]["pooled"]["exact"]["f1"]["value"] == 1.0
    assert out["groups"]["y"]["spans"]["pooled"]["exact"]["f1"]["value"] == 0.0
    assert out["overall"]["spans"]["pooled"]["exact"]["matched"] == 1
    _assert_clean(out)
    slim = corpus_report(arts, group_by=())
    assert "pairs" not in slim["spans"] and "by_tag" not in slim["spans"]


def test_jsonl_report_and_notes() -> None:
    rows = [
        {"article": "n1", "reviewer": "r1", "start": 0, "end": 10, "tag": "claim"},
        {"article": "n1", "reviewer": "r2", "start": 2, "end": 10, "tag": "claim"},
        {"article": "n2", "reviewer": 7, "start": 0, "end": 5, "tag": "estimate"},
    ]
    rows[0].update(verdict="true", text_length=100)
    rows[1]["verdict"] = "true"
    lines = [json.dumps(rows[0]), "", json.dumps(rows[1]), json.dumps(rows[2])]
    out = report_from_jsonl(lines, scale=SCALE)
    assert [a["article"] for a in out["articles"]] == ["n1", "n2"]
    assert out["articles"][0]["text_length"] == 100
    assert out["articles"][1]["notes"][0].startswith("text_length missing")
    assert out["corpus"]["n_articles"] == 2
    _assert_clean(out)


BAD_LINES = [
    ("{not json", "invalid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ({"reviewer": "r", "start": 0, "end": 1, "tag": "c"}, "'article'"),
    ({"article": "x", "reviewer": "r", "start": True, "end": 1, "tag": "c"}, "integer"),
    ({"article": "x", "reviewer": "r", "start": -1, "end": 1, "tag": "c"}, ">= 0"),
    ({"article": "x", "reviewer": "r", "start": 5, "end": 5, "tag": "c"}, "greater"),
    ({"article": "x", "reviewer": "r", "start": 0, "end": 1, "tag": ""}, "'tag'"),
    ({"article": "x", "reviewer": "r", "start": 0, "end": 1, "tag": "c", "verdict": 3}, "verdict"),
    (
        {"article": "b", "reviewer": "r", "start": 0, "end": 9, "tag": "c", "text_length": 3},
        "beyond",
    ),
    (
        {"article": "a", "reviewer": "r", "start": 0, "end": 1, "tag": "c", "text_length": 50},
        "differs",
    ),
]


@pytest.mark.parametrize(("line", "message"), BAD_LINES)
def test_jsonl_errors_carry_line_numbers(line: str | dict, message: str) -> None:
    first = {"article": "a", "reviewer": "r", "start": 0, "end": 1, "tag": "c", "text_length": 10}
    bad = line if isinstance(line, str) else json.dumps(line)
    with pytest.raises(AgreementInputError) as exc:
        parse_jsonl([json.dumps(first), "", bad])
    assert exc.value.line_no == 3
    assert message in str(exc.value)


def test_stats_survive_a_json_round_trip() -> None:
    spans = [sp("a", 0, 10, "claim", "true"), sp("b", 2, 10, "claim", "false")]
    spans += [sp("c", 0, 9, "denial", "true"), sp("a", 30, 40, "estimate", "mostly-false")]
    reports = [article_report(spans, 60, scale=SCALE), article_report(spans[:2], 20, scale=SCALE)]
    stored = [{"stats": json.loads(json.dumps(r["stats"]))} for r in reports]
    assert corpus_report(stored, scale=SCALE) == corpus_report(reports, scale=SCALE)
