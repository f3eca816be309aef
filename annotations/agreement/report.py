"""Article-level and corpus-level agreement reports (plain JSON-serialisable dicts).

An article report carries, besides its figures, ``stats``: additive sufficient statistics
(match counts per reviewer pair and tag, confusion counts, verdict coincidence matrices, Fleiss
sums, unitizing sums). A corpus report is computed by *summing* the ``stats`` of its articles,
never by revisiting spans, so any subset (a source, an import job) is cheap to report on, and
:class:`CorpusAggregate` can update a stored total when one article changes (``remove`` the old
stats, ``add`` the new).

Reviewer pairs are unordered and named with ``a < b`` (string order); in P/R/F1, ``a`` is the
reference (recall = matched/|a|, precision = matched/|b|). Corpus P/R/F1 per pair use counts
summed over articles; the mean over pairs is the unweighted mean of the pairs' defined values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any, TypedDict

from .alpha import alpha_from_coincidence_dict, coincidences_from_units
from .kappa import (
    FleissStats,
    cohen_kappa_from_confusion,
    fleiss_kappa_from_stats,
    fleiss_stats,
    merge_fleiss_stats,
)
from .metric import mean_of, undefined
from .spans import (
    MODES,
    PRF,
    TAG_MODES,
    Confusion,
    PairCounts,
    Span,
    align_items,
    as_span,
    confusion_for_pair,
    match_pair,
    prf,
)
from .unitizing import UnitizingAccumulator, UnitizingStats, alpha_u_from_stats, unitizing_stats

NO_SCALE = "no ordered verdict scale given"


class ScaleLabel(TypedDict):
    slug: str
    ordinal: int | None
    is_rateable: bool


class PairStats(TypedDict):
    a: str
    b: str
    counts: dict[str, PairCounts]
    by_tag: dict[str, dict[str, PairCounts]]
    tag_confusion: Confusion
    verdict_confusion: Confusion


class ArticleStats(TypedDict):
    n_articles: int
    n_spans: int
    n_items: int
    pairs: list[PairStats]
    verdict_nominal: list[list[Any]]  # [[value_a, value_b, coincidence], ...]
    verdict_ordinal: list[list[Any]]
    fleiss: FleissStats
    unitizing: UnitizingStats


def ordinal_map(scale: Sequence[Mapping[str, Any]] | None) -> dict[str, int] | None:
    """slug -> ordinal value for rateable labels with an ordinal; None if no scale is given."""
    if scale is None:
        return None
    return {
        str(lab["slug"]): int(lab["ordinal"])
        for lab in scale
        if lab.get("is_rateable", True) and lab.get("ordinal") is not None
    }


def _normalise(
    spans: Iterable[Any], text_length: int | None, notes: list[str]
) -> tuple[list[Span], int]:
    raw = [as_span(s) for s in spans]
    if text_length is None:
        text_length = max((s.end for s in raw), default=0)
        notes.append(f"text_length missing: using the largest span end ({text_length})")
    out: list[Span] = []
    clipped = dropped = 0
    for s in raw:
        start, end = max(0, s.start), min(text_length, s.end)
        if end <= start:
            dropped += 1
            continue
        if (start, end) != (s.start, s.end):
            clipped += 1
            s = s._replace(start=start, end=end)
        out.append(s)
    if clipped:
        notes.append(f"{clipped} span(s) clipped to the text [0, {text_length})")
    if dropped:
        notes.append(f"{dropped} empty or out-of-text span(s) ignored")
    return out, text_length


def _coinc_triples(c: Mapping[tuple[Any, Any], float]) -> list[list[Any]]:
    return [
        [a, b, w] for (a, b), w in sorted(c.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1])))
    ]


def article_stats(
    spans: Iterable[Any],
    text_length: int | None,
    *,
    scale: Sequence[Mapping[str, Any]] | None = None,
    reviewers: Iterable[str] | None = None,
    notes: list[str] | None = None,
) -> ArticleStats:
    """Sufficient statistics of one article (see :func:`article_report`)."""
    notes = notes if notes is not None else []
    clean, length = _normalise(spans, text_length, notes)
    revs = sorted({str(r) for r in (reviewers or ())} | {s.reviewer for s in clean})
    by_rev: dict[str, list[Span]] = {r: [] for r in revs}
    for s in clean:
        by_rev[s.reviewer].append(s)
    items = align_items(clean)
    pairs: list[PairStats] = []
    for a, b in combinations(revs, 2):
        match = match_pair(by_rev[a], by_rev[b])
        tags, verdicts = confusion_for_pair(items, a, b)
        pairs.append(
            {
                "a": a,
                "b": b,
                "counts": match["counts"],
                "by_tag": match["by_tag"],
                "tag_confusion": tags,
                "verdict_confusion": verdicts,
            }
        )
    omap = ordinal_map(scale)
    nominal_units = [[s.verdict for s in it.values() if s.verdict is not None] for it in items]
    ordinal_units = (
        [[omap[v] for v in unit if v in omap] for unit in nominal_units] if omap is not None else []
    )
    return {
        "n_articles": 1,
        "n_spans": len(clean),
        "n_items": len(items),
        "pairs": pairs,
        "verdict_nominal": _coinc_triples(coincidences_from_units(nominal_units)),
        "verdict_ordinal": _coinc_triples(coincidences_from_units(ordinal_units)),
        "fleiss": fleiss_stats(u for u in nominal_units if len(u) >= 2),
        "unitizing": unitizing_stats(
            ((s.start, s.end, s.reviewer, s.tag) for s in clean), 0, length, revs
        ),
    }


class CorpusAggregate:
    """Running sum of :class:`ArticleStats`; ``add``/``remove`` are O(size of one article)."""

    def __init__(self) -> None:
        self.n: Counter[str] = Counter()
        self.pairs: dict[tuple[str, str], dict[str, Any]] = {}
        self.nominal: Counter[tuple[Any, Any]] = Counter()
        self.ordinal: Counter[tuple[Any, Any]] = Counter()
        self.fleiss: FleissStats = merge_fleiss_stats([])
        self.unitizing = UnitizingAccumulator()

    def add(self, stats: ArticleStats, sign: int = 1) -> None:
        for key in ("n_articles", "n_spans", "n_items"):
            self.n[key] += sign * stats[key]  # type: ignore[literal-required]
        for p in stats["pairs"]:
            acc = self.pairs.setdefault(
                (p["a"], p["b"]),
                {"counts": {}, "by_tag": {}, "tag_confusion": {}, "verdict_confusion": {}},
            )
            for mode, c in p["counts"].items():
                _add_into(acc["counts"].setdefault(mode, {}), c, sign)
            for tag, modes in p["by_tag"].items():
                t = acc["by_tag"].setdefault(tag, {})
                for mode, c in modes.items():
                    _add_into(t.setdefault(mode, {}), c, sign)
            for key in ("tag_confusion", "verdict_confusion"):
                for la, row in p[key].items():  # type: ignore[literal-required]
                    _add_into(acc[key].setdefault(la, {}), row, sign)
        for target, triples in (
            (self.nominal, stats["verdict_nominal"]),
            (self.ordinal, stats["verdict_ordinal"]),
        ):
            for va, vb, w in triples:
                target[(va, vb)] += sign * w
                if abs(target[(va, vb)]) < 1e-9:  # float residue after a removal
                    del target[(va, vb)]
        self.fleiss = merge_fleiss_stats([self.fleiss, stats["fleiss"]], [1, sign])
        self.unitizing.add(stats["unitizing"], sign)

    def remove(self, stats: ArticleStats) -> None:
        self.add(stats, -1)

    @classmethod
    def _of_one(cls, stats: ArticleStats) -> CorpusAggregate:
        """A read-only aggregate of one article that shares ``stats`` instead of copying them
        (for :meth:`report` only: ``add`` on it would change ``stats``). Same contents, in
        the same order, as ``add(stats)`` on an empty aggregate."""
        agg = cls.__new__(cls)
        agg.n = Counter(
            n_articles=stats["n_articles"], n_spans=stats["n_spans"], n_items=stats["n_items"]
        )
        agg.pairs = {(p["a"], p["b"]): p for p in stats["pairs"]}  # type: ignore[misc]
        agg.nominal = Counter({(va, vb): w for va, vb, w in stats["verdict_nominal"]})
        agg.ordinal = Counter({(va, vb): w for va, vb, w in stats["verdict_ordinal"]})
        agg.fleiss = merge_fleiss_stats([stats["fleiss"]])
        agg.unitizing = _FixedUnitizing(stats["unitizing"])  # type: ignore[assignment]
        return agg

    def as_stats(self) -> ArticleStats:
        """The running sum in the shape of :class:`ArticleStats`, so that sums of groups
        (e.g. one per source and import job) can be added into a larger total."""
        return {
            "n_articles": self.n["n_articles"],
            "n_spans": self.n["n_spans"],
            "n_items": self.n["n_items"],
            "pairs": [
                {"a": a, "b": b, **acc}  # type: ignore[typeddict-item]
                for (a, b), acc in sorted(self.pairs.items())
            ],
            "verdict_nominal": _coinc_triples(self.nominal),
            "verdict_ordinal": _coinc_triples(self.ordinal),
            "fleiss": self.fleiss,
            "unitizing": self.unitizing.stats(),
        }

    def report(
        self,
        *,
        scale: Sequence[Mapping[str, Any]] | None = None,
        group_by: Collection[str] = ("tag", "pair"),
    ) -> dict[str, Any]:
        """Figures of everything added so far (shape documented in docs/agreement.md)."""
        pair_keys = sorted(k for k, v in self.pairs.items() if _nonzero(v))
        pair_prf: dict[tuple[str, str], dict[str, PRF]] = {
            k: {m: prf(_pc(self.pairs[k]["counts"].get(m))) for m in MODES} for k in pair_keys
        }
        mean = {
            mode: {
                fig: mean_of([pair_prf[k][mode][fig] for k in pair_keys])  # type: ignore[literal-required]
                for fig in ("precision", "recall", "f1")
            }
            for mode in MODES
        }
        pooled = {
            mode: prf(_sum_pc(self.pairs[k]["counts"].get(mode) for k in pair_keys))
            for mode in MODES
        }
        spans: dict[str, Any] = {"mean_over_pairs": mean, "pooled": pooled}
        if "pair" in group_by:
            spans["pairs"] = [{"a": a, "b": b, **pair_prf[(a, b)]} for a, b in pair_keys]
        if "tag" in group_by:
            tags = sorted(
                {
                    t
                    for k in pair_keys
                    for t, modes in self.pairs[k]["by_tag"].items()
                    if any(modes["overlap"].values())  # skip tags emptied by removals
                }
            )
            spans["by_tag"] = {
                t: {
                    m: prf(_sum_pc(self.pairs[k]["by_tag"].get(t, {}).get(m) for k in pair_keys))
                    for m in TAG_MODES
                }
                for t in tags
            }
        kappas = [
            {
                "a": a,
                "b": b,
                "kappa": cohen_kappa_from_confusion(
                    _dense(self.pairs[(a, b)]["verdict_confusion"])
                ),
            }
            for a, b in pair_keys
        ]
        omap = ordinal_map(scale)
        verdicts: dict[str, Any] = {
            "alpha_nominal": alpha_from_coincidence_dict(dict(self.nominal), "nominal"),
            "alpha_ordinal": (
                alpha_from_coincidence_dict(dict(self.ordinal), "ordinal")
                if omap is not None
                else undefined(NO_SCALE)
            ),
            "fleiss_kappa": fleiss_kappa_from_stats(self.fleiss),
            "mean_cohen_kappa": mean_of([k["kappa"] for k in kappas]),
        }
        out: dict[str, Any] = {
            "n_articles": self.n["n_articles"],
            "n_spans": self.n["n_spans"],
            "n_items": self.n["n_items"],
            "reviewer_pairs": len(pair_keys),
            "spans": spans,
            "unitizing": alpha_u_from_stats(self.unitizing.stats()),
            "verdicts": verdicts,
        }
        if "pair" in group_by:
            verdicts["cohen_kappa_by_pair"] = kappas
            out["confusion"] = [
                {
                    "a": a,
                    "b": b,
                    "tags": _dense(self.pairs[(a, b)]["tag_confusion"]),
                    "verdicts": _dense(self.pairs[(a, b)]["verdict_confusion"]),
                }
                for a, b in pair_keys
            ]
        return out


class _FixedUnitizing:
    def __init__(self, stats: UnitizingStats) -> None:
        self._stats = stats

    def stats(self) -> UnitizingStats:
        return self._stats


def _add_into(target: dict[str, int], part: Mapping[str, int], sign: int) -> None:
    for k, v in part.items():
        target[k] = target.get(k, 0) + sign * v


def _nonzero(pair_acc: Mapping[str, Any]) -> bool:
    c = pair_acc["counts"].get("overlap_tagblind", {})
    return any(c.values())


def _pc(c: Mapping[str, int] | None) -> PairCounts:
    c = c or {}
    return {
        "matched": c.get("matched", 0),
        "only_a": c.get("only_a", 0),
        "only_b": c.get("only_b", 0),
    }


def _sum_pc(parts: Iterable[Mapping[str, int] | None]) -> PairCounts:
    matched = only_a = only_b = 0
    for p in parts:
        if p:
            matched += p.get("matched", 0)
            only_a += p.get("only_a", 0)
            only_b += p.get("only_b", 0)
    return {"matched": matched, "only_a": only_a, "only_b": only_b}


def _dense(conf: Mapping[str, Mapping[str, int]]) -> Confusion:
    """Drop zero cells (left after removals) and return plain sorted dicts."""
    out: Confusion = {}
    for la in sorted(conf):
        row = {lb: int(v) for lb, v in sorted(conf[la].items()) if v}
        if row:
            out[la] = row
    return out


def article_report(
    spans: Iterable[Any],
    text_length: int | None,
    *,
    scale: Sequence[Mapping[str, Any]] | None = None,
    reviewers: Iterable[str] | None = None,
    article: Any = None,
) -> dict[str, Any]:
    """Agreement report of one article.

    ``spans``: dicts / tuples / :class:`~.spans.Span` with reviewer, start, end, tag[, verdict].
    ``text_length``: length of the article text (None: use the largest span end, noted).
    ``reviewers``: all reviewers of the article, including any who marked nothing.
    Returns the corpus-report shape for this one article plus ``article``, ``text_length``,
    ``reviewers``, ``notes`` and ``stats`` (store ``stats`` to aggregate later).
    """
    notes: list[str] = []
    spans = list(spans)
    stats = article_stats(spans, text_length, scale=scale, reviewers=reviewers, notes=notes)
    revs = sorted({str(r) for r in (reviewers or ())} | {as_span(s).reviewer for s in spans})
    if len(revs) < 2:
        notes.append("fewer than two reviewers: agreement is undefined")
    body = CorpusAggregate._of_one(stats).report(scale=scale)
    length = text_length
    if length is None:
        length = max((as_span(s).end for s in spans), default=0)
    return {
        "article": article,
        "text_length": length,
        "reviewers": revs,
        "notes": notes,
        **body,
        "stats": stats,
    }


def corpus_report(
    articles: Iterable[Mapping[str, Any]],
    *,
    scale: Sequence[Mapping[str, Any]] | None = None,
    group_by: Collection[str] = ("tag", "pair"),
    key: Callable[[Mapping[str, Any]], Any] | None = None,
) -> dict[str, Any]:
    """Corpus report from article reports (anything with a ``stats`` entry) or raw articles
    (``{"article", "spans", "text_length"[, "reviewers"]}``, which are reported first).

    ``group_by`` selects the breakdowns: ``"tag"`` (span P/R/F1 per tag) and ``"pair"`` (per
    reviewer pair P/R/F1, Cohen's kappa and confusion matrices). ``scale`` must be the one the
    article stats were built with. If ``key`` is given, the result is
    ``{"overall": report, "groups": {key(article): report}}``.
    """
    overall = CorpusAggregate()
    groups: dict[Any, CorpusAggregate] = {}
    notes = 0
    for art in articles:
        if "stats" not in art:
            art = article_report(
                art.get("spans", ()),
                art.get("text_length"),
                scale=scale,
                reviewers=art.get("reviewers"),
                article=art.get("article"),
            )
        notes += bool(art.get("notes"))
        overall.add(art["stats"])
        if key is not None:
            groups.setdefault(key(art), CorpusAggregate()).add(art["stats"])
    report = overall.report(scale=scale, group_by=group_by)
    report["n_articles_with_notes"] = notes
    if key is None:
        return report
    return {
        "overall": report,
        "groups": {k: g.report(scale=scale, group_by=group_by) for k, g in groups.items()},
    }
