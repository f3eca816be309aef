"""Property-based tests: agreement with the `krippendorff` package, span-metric symmetries,
and exactness of the additive corpus statistics."""

from __future__ import annotations

import json
import math
import warnings

import krippendorff
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.agreement import (
    CorpusAggregate,
    Span,
    align_items,
    alpha_from_coincidence_dict,
    article_report,
    coincidences_from_units,
    corpus_report,
    krippendorff_alpha,
    match_pair,
    prf,
    unitizing_alpha,
)

SETTINGS = settings(max_examples=200, deadline=None)

reliability = st.integers(2, 5).flatmap(
    lambda m: st.integers(1, 12).flatmap(
        lambda n: st.lists(
            st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=n, max_size=n),
            min_size=m,
            max_size=m,
        )
    )
)


def _package_alpha(data: list[list[int | None]], level: str) -> float | None:
    arr = np.array([[np.nan if x is None else x for x in row] for row in data], dtype=float)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = float(krippendorff.alpha(reliability_data=arr, level_of_measurement=level))
    except ValueError:  # package refuses: <2 values in domain or no pairable unit
        return None
    return value if math.isfinite(value) else None


def _check_against_package(data: list[list[int | None]], level: str) -> None:
    expected = _package_alpha(data, level)
    for as_array in (False, True):
        source = np.array(data, dtype=float) if as_array else data
        ours = krippendorff_alpha(source, level)  # type: ignore[arg-type]
        if expected is None:
            assert ours["value"] is None
            assert ours["undefined_reason"]
        else:
            assert ours["value"] is not None
            assert math.isclose(ours["value"], expected, rel_tol=1e-9, abs_tol=1e-9)


@SETTINGS
@given(reliability)
def test_nominal_matches_package(data: list[list[int | None]]) -> None:
    _check_against_package(data, "nominal")


@SETTINGS
@given(reliability)
def test_ordinal_matches_package(data: list[list[int | None]]) -> None:
    _check_against_package(data, "ordinal")


@SETTINGS
@given(reliability)
def test_interval_matches_package(data: list[list[int | None]]) -> None:
    _check_against_package(data, "interval")


@SETTINGS
@given(reliability)
def test_ratio_matches_package(data: list[list[int | None]]) -> None:
    _check_against_package(data, "ratio")


TAGS = ("claim", "denial", "estimate")


@st.composite
def span_lists(draw: st.DrawFn, reviewer: str, text: int = 200) -> list[Span]:
    out = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, text - 1))
        end = draw(st.integers(start + 1, min(text, start + 60)))
        tag = draw(st.sampled_from(TAGS))
        verdict = draw(st.sampled_from(["true", "false", "mixed", None]))
        out.append(Span(reviewer, start, end, tag, verdict))
    return out


@SETTINGS
@given(span_lists("a"), span_lists("b"))
def test_swapping_reviewers_swaps_precision_and_recall(a: list[Span], b: list[Span]) -> None:
    ab, ba = match_pair(a, b), match_pair(b, a)
    for mode in ("exact", "overlap", "overlap_tagblind"):
        fab, fba = prf(ab["counts"][mode]), prf(ba["counts"][mode])  # type: ignore[arg-type]
        assert fab["matched"] == fba["matched"]
        assert fab["precision"]["value"] == fba["recall"]["value"]
        assert fab["recall"]["value"] == fba["precision"]["value"]
        assert fab["f1"]["value"] == fba["f1"]["value"]


@SETTINGS
@given(span_lists("a"))
def test_identical_annotations_score_one(a: list[Span]) -> None:
    b = [s._replace(reviewer="b") for s in a]
    counts = match_pair(a, b)["counts"]
    for mode in ("exact", "overlap", "overlap_tagblind"):
        f1 = prf(counts[mode])["f1"]  # type: ignore[arg-type]
        if a:
            assert f1["value"] == 1.0
        else:
            assert f1["value"] is None and f1["undefined_reason"]


@SETTINGS
@given(span_lists("a"))
def test_alpha_u_identical_coders_is_one(a: list[Span]) -> None:
    units = [(s.start, s.end, r, s.tag) for s in a for r in ("a", "b", "c")]
    result = unitizing_alpha(units, 0, 200, coders=["a", "b", "c"])
    for metric in [result["overall"], *result["per_category"].values()]:
        if metric["value"] is not None:
            assert metric["value"] == 1.0
        else:
            assert metric["undefined_reason"]
    if a:
        assert result["overall"]["value"] == 1.0


articles = st.lists(
    st.tuples(span_lists("a"), span_lists("b"), span_lists("c")), min_size=1, max_size=5
)


@settings(max_examples=60, deadline=None)
@given(articles)
def test_corpus_aggregation_is_exact_and_removable(arts: list[tuple[list[Span], ...]]) -> None:
    reports = [article_report([s for part in art for s in part], 200) for art in arts]
    corpus = corpus_report(reports)
    json.dumps(corpus, allow_nan=False)
    # Verdict alpha from summed coincidences == alpha on the concatenated item table.
    table: list[list[str | None]] = [[], [], []]
    for art in arts:
        for item in align_items([s for part in art for s in part]):
            for row, r in zip(table, ("a", "b", "c"), strict=True):
                row.append(item[r].verdict if r in item else None)
    direct = krippendorff_alpha(table, "nominal")
    got = corpus["verdicts"]["alpha_nominal"]
    if direct["value"] is None:
        assert got["value"] is None
    else:
        assert math.isclose(got["value"], direct["value"], rel_tol=1e-9, abs_tol=1e-9)
    # Removing an article from the running total equals never adding it.
    agg = CorpusAggregate()
    for r in reports:
        agg.add(r["stats"])
    agg.remove(reports[0]["stats"])
    rest = corpus_report(reports[1:])
    rest.pop("n_articles_with_notes")
    assert _rounded(agg.report()) == _rounded(rest)


def _rounded(obj: object) -> object:
    if isinstance(obj, float):
        return round(obj, 9)
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rounded(v) for v in obj]
    return obj


@SETTINGS
@given(reliability)
def test_sparse_small_domain_path_matches_package(data: list[list[int | None]]) -> None:
    # Article reports use coincidences_from_units + the pure-Python small-domain path.
    units = [[row[j] for row in data if row[j] is not None] for j in range(len(data[0]))]
    coinc = coincidences_from_units(units)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        expected = _package_alpha(data, level)
        ours = alpha_from_coincidence_dict(coinc, level)  # type: ignore[arg-type]
        if expected is None:
            assert ours["value"] is None and ours["undefined_reason"]
        else:
            assert ours["value"] is not None
            assert math.isclose(ours["value"], expected, rel_tol=1e-9, abs_tol=1e-9)


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(1, 300), st.integers(1, 5)), min_size=1, max_size=80),
    st.dictionaries(st.integers(1, 400), st.integers(0, 5), min_size=1, max_size=80),
)
def test_gap_term_small_and_vectorised_paths_agree(
    units: list[tuple[int, int]], gaps: dict[int, int]
) -> None:
    from annotations.agreement import unitizing

    hist = [[x, n] for x, n in sorted(dict(units).items())]
    small = unitizing._gap_term(hist, gaps)
    big = hist * 60  # repeat to force the numpy path; the sum scales by 60
    if len(big) * len(gaps) > 4096:
        assert math.isclose(unitizing._gap_term(big, gaps), 60 * small, rel_tol=1e-9)


raw_spans = st.lists(
    st.fixed_dictionaries(
        {
            "reviewer": st.sampled_from(["a", "b", "c"]),
            "start": st.integers(-5, 60),
            "end": st.integers(-5, 60),
            "tag": st.sampled_from(TAGS),
            "verdict": st.sampled_from(["false", "mixed", "true", "unrated", None]),
        }
    ),
    max_size=12,
)
SCALE = [
    {"slug": "false", "ordinal": 0, "is_rateable": True},
    {"slug": "mixed", "ordinal": 1, "is_rateable": True},
    {"slug": "true", "ordinal": 2, "is_rateable": True},
    {"slug": "unrated", "ordinal": None, "is_rateable": False},
]


@SETTINGS
@given(raw_spans, st.one_of(st.none(), st.integers(0, 50)))
def test_reports_never_raise_and_never_emit_nan(spans: list[dict], text_length: int | None) -> None:
    report = article_report(spans, text_length, scale=SCALE)
    corpus = corpus_report([report, report], scale=SCALE)
    for out in (report, corpus):
        text = json.dumps(out, allow_nan=False)
        assert "NaN" not in text and "Infinity" not in text


def _all_metrics(obj: object) -> list[dict]:
    if isinstance(obj, dict):
        found = [obj] if "undefined_reason" in obj else []
        return found + [m for v in obj.values() for m in _all_metrics(v)]
    if isinstance(obj, list):
        return [m for v in obj for m in _all_metrics(v)]
    return []


@SETTINGS
@given(raw_spans, st.integers(0, 50))
def test_every_metric_is_either_a_value_or_a_reason(spans: list[dict], text_length: int) -> None:
    for metric in _all_metrics(article_report(spans, text_length, scale=SCALE)):
        assert (metric["value"] is None) == (metric["undefined_reason"] is not None)
        assert metric["value"] is None or isinstance(metric["value"], float)
