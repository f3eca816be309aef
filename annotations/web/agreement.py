"""The agreement dashboard for adjudicators and admins: reads stored reports, computes nothing.

The figures are computed by Celery jobs (annotations.tasks); "Recompute now" only enqueues.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.db.models.fields.json import KeyTransform
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from annotations import roles
from annotations.ids import parse_id
from annotations.models import AgreementReport, ImportJob, StaleAgreement
from annotations.services import agreement
from annotations.services.agreement import NO_IMPORT_JOB
from annotations.web import charts

LOWEST_ARTICLES = 20
TREND_SERIES = ["Span F1 (overlap)", "Verdict alpha (nominal)", "αU"]


def adjudicator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not roles.is_adjudicator(request.user):
            raise PermissionDenied("Agreement reports are for adjudicators and admins.")
        return view(request, *args, **kwargs)

    return wrapped


def metric_value(metric: dict[str, Any] | None) -> float | None:
    return (metric or {}).get("value")


def _dig(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


HEADLINES = [
    (
        "Span F1 (overlap)",
        ("spans", "mean_over_pairs", "overlap", "f1"),
        "Mean over reviewer pairs: spans match when they overlap with the same tag.",
    ),
    (
        "Span F1 (exact)",
        ("spans", "mean_over_pairs", "exact", "f1"),
        "Mean over reviewer pairs: same start, end and tag.",
    ),
    (
        "Unitizing alpha (αU)",
        ("unitizing", "overall"),
        "Krippendorff's alpha for unitizing over the text, all tags.",
    ),
    (
        "Verdict alpha (nominal)",
        ("verdicts", "alpha_nominal"),
        "Krippendorff's alpha on verdict labels of aligned spans.",
    ),
    (
        "Verdict alpha (ordinal)",
        ("verdicts", "alpha_ordinal"),
        "Krippendorff's alpha on the order of rateable verdicts.",
    ),
    (
        "Fleiss' kappa (verdicts)",
        ("verdicts", "fleiss_kappa"),
        "Over spans rated by the same number of reviewers.",
    ),
    (
        "Cohen's kappa (mean)",
        ("verdicts", "mean_cohen_kappa"),
        "Mean over reviewer pairs, on the spans both rated.",
    ),
]


def headline_cards(report: dict[str, Any]) -> list[dict[str, Any]]:
    cards = []
    for name, path, definition in HEADLINES:
        metric = _dig(report, *path) or {}
        cards.append(
            {
                "name": name,
                "definition": definition,
                "value": metric.get("value"),
                "reason": metric.get("undefined_reason") or "not computed",
                "counts": metric.get("counts") or {},
            }
        )
    return cards


def _pair_size(pair: dict[str, Any]) -> int:
    c = pair.get("overlap") or {}
    return int(c.get("matched", 0)) * 2 + int(c.get("only_a", 0)) + int(c.get("only_b", 0))


def pair_heatmap(report: dict[str, Any]) -> Any:
    pairs = _dig(report, "spans", "pairs") or []
    reviewers = sorted({p["a"] for p in pairs} | {p["b"] for p in pairs})
    cells = {
        (p["a"], p["b"]): (metric_value(_dig(p, "overlap", "f1")), _pair_size(p)) for p in pairs
    }
    return charts.heatmap(reviewers, cells) if reviewers else None


def tag_bars(report: dict[str, Any]) -> Any:
    by_tag = _dig(report, "spans", "by_tag") or {}
    rows = []
    for tag, modes in sorted(by_tag.items()):
        f1 = _dig(modes, "overlap", "f1") or {}
        n = _pair_size(modes)
        rows.append((tag, f1.get("value"), n, f1.get("undefined_reason") or ""))
    return charts.bars(rows) if rows else None


def confusion_tables(report: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for pair in report.get("confusion") or []:
        for kind in ("tags", "verdicts"):
            matrix = pair.get(kind) or {}
            if not matrix:
                continue
            rows_l = sorted(matrix)
            cols_l = sorted({c for row in matrix.values() for c in row})
            out.append(
                {
                    "a": pair["a"],
                    "b": pair["b"],
                    "kind": kind,
                    "columns": cols_l,
                    "rows": [(r, [(matrix[r].get(c, 0), r == c) for c in cols_l]) for r in rows_l],
                }
            )
    return out


def _group(request: HttpRequest) -> tuple[str, str, str]:
    """(section of the corpus report, key, label) selected by the filter."""
    source = request.GET.get("source", "")
    job = request.GET.get("import_job", "")
    if source:
        return "by_source", source, f"source “{source}”"
    if job:
        return "by_import_job", job, f"import job {job}"
    return "overall", "", "all articles"


def _selected(row: AgreementReport | None, section: str, key: str) -> dict[str, Any] | None:
    if row is None:
        return None
    if section == "overall":
        return row.report.get("overall")
    return (row.report.get(section) or {}).get(key)


def _article_filter(section: str, key: str) -> dict[str, Any]:
    if section == "by_source":
        return {"article__source": "" if key == "(no source)" else key}
    if section == "by_import_job":
        if key == NO_IMPORT_JOB:
            return {"article__import_job__isnull": True}
        job_id = parse_id(key)
        return {"article__import_job_id": -1 if job_id is None else job_id}
    return {}


def trend_points(section: str, key: str) -> list[tuple[Any, dict[str, float | None]]]:
    """One point per stored corpus report, for the selected group only (the database
    extracts that part of each row's JSON)."""
    part: Any = KeyTransform("overall", "report")
    if section != "overall":
        part = KeyTransform(key, KeyTransform(section, "report"))
    rows = (
        AgreementReport.objects.corpus()
        .order_by("computed_at", "pk")
        .annotate(part=part)
        .values_list("computed_at", "part")
    )
    points = []
    for computed_at, rep in rows.iterator(chunk_size=50):
        if isinstance(rep, str):  # some backends hand back the JSON text of a key transform
            rep = json.loads(rep)
        if not rep:
            continue
        points.append(
            (
                computed_at,
                {
                    TREND_SERIES[0]: metric_value(
                        _dig(rep, "spans", "mean_over_pairs", "overlap", "f1")
                    ),
                    TREND_SERIES[1]: metric_value(_dig(rep, "verdicts", "alpha_nominal")),
                    TREND_SERIES[2]: metric_value(_dig(rep, "unitizing", "overall")),
                },
            )
        )
    return points


def _undefined_reason(report: dict[str, Any], *path: str) -> str | None:
    return (_dig(report, *path) or {}).get("undefined_reason")


@adjudicator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    row = AgreementReport.objects.corpus().order_by("-computed_at", "-pk").first()
    section, key, group_label = _group(request)
    report = _selected(row, section, key)
    filters = _article_filter(section, key)
    lowest = (
        AgreementReport.objects.articles()
        .filter(**filters)
        .select_related("article")
        .order_by(F("headline").asc(nulls_last=True), "article_id")[:LOWEST_ARTICLES]
    )
    jobs = {}
    if row is not None:
        ids = [n for k in row.report.get("by_import_job", {}) if (n := parse_id(k)) is not None]
        jobs = {j.pk: str(j) for j in ImportJob.objects.filter(pk__in=ids)}
    points = trend_points(section, key)
    context = {
        "row": row,
        "report": report,
        "group_label": group_label,
        "section": section,
        "key": key,
        "sources": sorted((row.report.get("by_source") or {}) if row else []),
        "import_jobs": [
            (k, jobs.get(int(k), f"Import #{k}") if k.isdigit() else "No import job")
            for k in sorted((row.report.get("by_import_job") or {}) if row else [])
        ],
        "cards": headline_cards(report) if report else [],
        "heatmap": pair_heatmap(report) if report else None,
        "tag_bars": tag_bars(report) if report else None,
        "trend": charts.trend(points, TREND_SERIES),
        "confusions": confusion_tables(report) if report else [],
        "kappas": (_dig(report, "verdicts", "cohen_kappa_by_pair") or []) if report else [],
        "lowest": [
            {
                "article": r.article,
                "headline": r.headline,
                "reason": _undefined_reason(r.report, "spans", "mean_over_pairs", "overlap", "f1"),
                "alpha": metric_value(_dig(r.report, "verdicts", "alpha_nominal")),
                "reviewers": r.inputs.get("reviewers", []),
                "n_spans": r.inputs.get("n_spans", 0),
            }
            for r in lowest
        ],
        "pending": StaleAgreement.objects.count(),
        "n_article_reports": AgreementReport.objects.articles().count(),
        "computing": agreement.corpus_is_behind(row),
    }
    return render(request, "annotations/agreement/dashboard.html", context)


@adjudicator_required
def status(request: HttpRequest) -> JsonResponse:
    """Whether the corpus report is behind the submissions (the dashboard polls this while it
    says "computing…", and reloads once the new report is stored)."""
    row = AgreementReport.objects.corpus().order_by("-computed_at", "-pk").first()
    return JsonResponse(
        {
            "computing": agreement.corpus_is_behind(row),
            "report_id": row.pk if row else None,
            "pending": StaleAgreement.objects.count(),
        }
    )


@require_POST
@adjudicator_required
def recompute(request: HttpRequest) -> HttpResponse:
    from annotations.tasks import compute_corpus_agreement

    compute_corpus_agreement.delay(force=True)
    messages.info(
        request,
        "Corpus agreement recompute queued; this page shows the new report once the worker "
        "has stored it.",
    )
    return redirect("agreement")


CSV_COLUMNS = [
    ("article_id", None),
    ("title", None),
    ("source", None),
    ("import_job", None),
    ("reviewers", None),
    ("n_reviewers", None),
    ("n_spans", None),
    ("n_items", None),
    ("span_f1_overlap", ("spans", "mean_over_pairs", "overlap", "f1")),
    ("span_f1_exact", ("spans", "mean_over_pairs", "exact", "f1")),
    ("span_f1_overlap_tagblind", ("spans", "mean_over_pairs", "overlap_tagblind", "f1")),
    ("alpha_u", ("unitizing", "overall")),
    ("verdict_alpha_nominal", ("verdicts", "alpha_nominal")),
    ("verdict_alpha_ordinal", ("verdicts", "alpha_ordinal")),
    ("fleiss_kappa", ("verdicts", "fleiss_kappa")),
    ("mean_cohen_kappa", ("verdicts", "mean_cohen_kappa")),
    ("undefined", None),
    ("computed_at", None),
]


def _cell(value: Any) -> Any:
    # Spreadsheet formula injection: text starting with = + - @ is shown, not evaluated.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(queryset: Any) -> Iterator[list[Any]]:
    yield [name for name, _ in CSV_COLUMNS]
    rows = queryset.select_related("article").only(
        "article__title",
        "article__source",
        "article__import_job_id",
        "report",
        "inputs",
        "computed_at",
    )
    for r in rows.iterator(chunk_size=500):
        undefined = []
        values = []
        for name, path in CSV_COLUMNS:
            if path is None:
                continue
            metric = _dig(r.report, *path) or {}
            if metric.get("value") is None:
                undefined.append(f"{name}: {metric.get('undefined_reason') or 'missing'}")
            values.append("" if metric.get("value") is None else round(metric["value"], 6))
        revs = r.inputs.get("reviewers", [])
        yield [
            _cell(v)
            for v in [
                r.article_id,
                r.article.title,
                r.article.source,
                r.article.import_job_id or "",
                " ".join(revs),
                len(revs),
                r.report.get("n_spans", 0),
                r.report.get("n_items", 0),
                *values,
                "; ".join(undefined),
                r.computed_at.isoformat(),
            ]
        ]


@adjudicator_required
def export_csv(request: HttpRequest) -> HttpResponse:
    section, key, _ = _group(request)
    qs = AgreementReport.objects.articles().filter(**_article_filter(section, key))
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in csv_rows(qs.order_by("article_id"))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="agreement.csv"'
    return response
