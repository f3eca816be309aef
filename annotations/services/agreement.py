"""Agreement between reviewers, stored: per article on submission, per corpus periodically.

The figures come from the pure library in :mod:`annotations.agreement` (see docs/agreement.md);
this module only reads the submitted work from the database and stores the reports.

* An article's report covers the **submitted** reviewer annotations (kind=review,
  state=submitted, not deleted, not orphaned by a text revision) of reviewers whose active
  assignment on it is submitted.
  Drafts never count: blind review means work in progress is nobody's business.
* Every article report stores, in ``inputs["fingerprint"]``, a digest of what it covered
  (newest annotation change, number of spans, submitted reviewers and their newest
  submission, text revision). A report is *stale* when the fingerprint of the current data
  differs; the corpus job recomputes exactly the stale articles, then sums the stored
  ``stats`` of all articles (never revisiting spans) overall, per source, per import job,
  per tag and per reviewer pair, and stores one corpus row per computation.
"""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NamedTuple

import orjson
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.db.models import Count, Max
from django.db.models.functions import Length, Now
from django.utils import timezone

from annotations.agreement import (
    ArticleStats,
    CorpusAggregate,
    ScaleLabel,
    Span,
    article_report,
)
from annotations.models import (
    AgreementReport,
    AnchorStatus,
    Annotation,
    AnnotationState,
    Article,
    Assignment,
    AssignmentStatus,
    ReportScope,
    StaleAgreement,
    VerdictLabel,
)
from annotations.models.review import AnnotationKind

log = logging.getLogger(__name__)

CORPUS_HISTORY = 200  # corpus rows kept for the trend chart
CHUNK = 500  # articles per read: bounded memory on a large corpus
NO_SOURCE = "(no source)"
NO_IMPORT_JOB = "none"


def submitted_annotations() -> Any:
    # Orphaned spans (their text went away in a revision) have no place on the text to compare.
    return Annotation.objects.filter(
        kind=AnnotationKind.REVIEW, state=AnnotationState.SUBMITTED, deleted_at__isnull=True
    ).exclude(anchor_status=AnchorStatus.ORPHANED)


def submitted_assignments() -> Any:
    return Assignment.objects.filter(status=AssignmentStatus.SUBMITTED, active=True)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _fingerprints(article_ids: Sequence[int] | None = None) -> dict[int, dict[str, Any]]:
    """What each article's report would cover now, from two grouped queries."""
    anns = submitted_annotations()
    subs = submitted_assignments()
    if article_ids is not None:
        anns = anns.filter(article_id__in=article_ids)
        subs = subs.filter(article_id__in=article_ids)
    out: dict[int, dict[str, Any]] = {}
    for row in subs.values("article_id").annotate(n=Count("id"), newest=Max("submitted_at")):
        out[row["article_id"]] = {
            "n_reviewers": row["n"],
            "newest_submission": _iso(row["newest"]),
            "n_spans": 0,
            "newest_annotation": None,
        }
    for row in anns.values("article_id").annotate(n=Count("id"), newest=Max("updated_at")):
        if row["article_id"] in out:  # spans of an article nobody submitted do not count
            out[row["article_id"]]["n_spans"] = row["n"]
            out[row["article_id"]]["newest_annotation"] = _iso(row["newest"])
    return out


def _fingerprint_key(fp: dict[str, Any], revision: int) -> str:
    # Counts catch deletions and unassignments, timestamps catch edits and re-anchoring.
    return "|".join(
        str(x)
        for x in (
            fp["n_reviewers"],
            fp["newest_submission"],
            fp["n_spans"],
            fp["newest_annotation"],
            revision,
        )
    )


class _Lookups:
    """Usernames and verdict labels by id, fetched once per run (no joins per span)."""

    def __init__(self) -> None:
        self.usernames: dict[int, str] = {}
        self.labels: dict[int, str] = {}
        self.scales: dict[int, list[ScaleLabel]] = defaultdict(list)
        for label in VerdictLabel.objects.order_by("scale_id", "position", "pk"):
            self.labels[label.pk] = label.slug
            self.scales[label.scale_id].append(
                {"slug": label.slug, "ordinal": label.ordinal, "is_rateable": label.is_rateable}
            )

    def username(self, user_id: int) -> str:
        if user_id not in self.usernames:
            missing = get_user_model().objects.filter(pk=user_id).values_list("username", flat=True)
            self.usernames[user_id] = missing.first() or f"user-{user_id}"
        return self.usernames[user_id]

    def prefetch_users(self, ids: Iterable[int]) -> None:
        want = set(ids) - set(self.usernames)
        if want:
            rows = get_user_model().objects.filter(pk__in=want).values_list("pk", "username")
            self.usernames.update(rows)
            for user_id in want - set(self.usernames):
                self.usernames[user_id] = f"user-{user_id}"


SpanRow = tuple[str, int, int, str, str | None]  # the fields of a Span


class ArticleInput(NamedTuple):
    """What one article's report is computed from: plain data, picklable for a worker process."""

    article_id: int
    spans: list[SpanRow]  # plain tuples: pickled to a worker several times faster than Spans
    text_length: int
    scale: list[ScaleLabel] | None
    reviewers: list[str]
    inputs: dict[str, Any]
    cell: tuple[str, str] = (NO_SOURCE, NO_IMPORT_JOB)  # (source, import job) for the corpus


Row = tuple[int, bytes, bytes, bytes, Any]  # article_id; inputs, stats, report as UTF-8 JSON


class ComputedReport(NamedTuple):
    article_id: int
    inputs: dict[str, Any]
    stats: dict[str, Any]
    report: dict[str, Any]
    headline: float | None


def _read_inputs(
    article_ids: Sequence[int],
    lookups: _Lookups,
    fingerprints: dict[int, dict[str, Any]] | None = None,
) -> list[ArticleInput]:
    """The submitted work of these articles, read in bulk (five queries; three when the
    ``fingerprints`` of the stale check are passed: the data read can only be newer than
    them, so at worst the next check finds the report stale again)."""
    articles = {
        a["pk"]: a
        for a in Article.objects.filter(pk__in=article_ids)
        .annotate(text_length=Length("text"))
        .values("pk", "text_length", "revision", "verdict_scale_id", "source", "import_job_id")
    }
    if fingerprints is None:
        fingerprints = _fingerprints(article_ids)
    reviewers: dict[int, set[int]] = defaultdict(set)
    for art_id, user_id in (
        submitted_assignments()
        .filter(article_id__in=article_ids)
        .values_list("article_id", "reviewer_id")
    ):
        reviewers[art_id].add(user_id)
    lookups.prefetch_users(u for users in reviewers.values() for u in users)
    spans: dict[int, list[SpanRow]] = defaultdict(list)
    query = (
        submitted_annotations()
        .filter(article_id__in=article_ids)
        .order_by()
        .values_list("article_id", "reviewer_id", "start", "end", "tag", "verdict_id")
    )
    # Plain tuples from the driver: a chunk holds tens of thousands of spans, and Django's
    # per-row conversion of a values_list cost more than building the spans.
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    labels, usernames = lookups.labels, lookups.usernames
    for art_id, user_id, start, end, tag, verdict_id in rows:
        if user_id in reviewers[art_id]:
            verdict = labels.get(verdict_id) if verdict_id is not None else None
            spans[art_id].append((usernames[user_id], start, end, tag, verdict))
    out = []
    for art_id in article_ids:
        art = articles.get(art_id)
        fp = fingerprints.get(art_id)
        if art is None or fp is None or not reviewers[art_id]:
            continue
        inputs = {
            "reviewers": sorted(lookups.username(u) for u in reviewers[art_id]),
            "n_spans": len(spans[art_id]),
            "newest_annotation": fp["newest_annotation"],
            "newest_submission": fp["newest_submission"],
            "text_length": art["text_length"],
            "revision": art["revision"],
            "fingerprint": _fingerprint_key(fp, art["revision"]),
        }
        out.append(
            ArticleInput(
                art_id,
                spans[art_id],
                art["text_length"],
                lookups.scales.get(art["verdict_scale_id"]) or None,
                inputs["reviewers"],
                inputs,
                (
                    _group_label(art["source"], NO_SOURCE),
                    _group_label(art["import_job_id"], NO_IMPORT_JOB),
                ),
            )
        )
    return out


def _compute(item: ArticleInput) -> ComputedReport:
    """One article's report from its inputs: pure, no database (runs in worker processes)."""
    report = article_report(
        list(map(Span._make, item.spans)),
        item.text_length,
        scale=item.scale,
        reviewers=item.reviewers,
        article=item.article_id,
    )
    stats = report.pop("stats")
    headline = report["spans"]["mean_over_pairs"]["overlap"]["f1"]["value"]
    return ComputedReport(item.article_id, item.inputs, stats, report, headline)


_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def _dumps(value: Any) -> bytes:
    # orjson writes the same numbers as json.dumps (shortest round-trip floats) ten times
    # faster; the reports are ~20 kB each, and their JSON text was a fifth of the work.
    return orjson.dumps(value, option=_JSON_OPTIONS)


class ComputedChunk(NamedTuple):
    """A chunk's reports as JSON (UTF-8 bytes), and the sums of their stats per corpus cell."""

    rows: list[Row]
    cells: dict[tuple[str, str], ArticleStats]


def _compute_chunk(items: list[ArticleInput]) -> ComputedChunk:
    """Reports of a chunk as JSON bytes, ready for COPY, and the chunk's share of the corpus
    sums (the worker processes' job): the corpus job then need not read back the stats it
    has just written."""
    rows: list[Row] = []
    cells: dict[tuple[str, str], CorpusAggregate] = defaultdict(CorpusAggregate)
    # The figures are trees of small dicts and lists, freed by reference counting; the cyclic
    # garbage collector would only walk them again and again (a third of the time, measured).
    with _no_cyclic_gc():
        for item in items:
            r = _compute(item)
            cells[item.cell].add(r.stats)  # type: ignore[arg-type]
            rows.append(
                (r.article_id, _dumps(r.inputs), _dumps(r.stats), _dumps(r.report), r.headline)
            )
        return ComputedChunk(rows, {cell: agg.as_stats() for cell, agg in cells.items()})


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _as_model(r: ComputedReport) -> AgreementReport:
    return AgreementReport(
        scope=ReportScope.ARTICLE,
        article_id=r.article_id,
        inputs=r.inputs,
        stats=r.stats,
        report=r.report,
        headline=r.headline,
    )


def _build_reports(article_ids: Sequence[int], lookups: _Lookups) -> list[AgreementReport]:
    """Compute (not save) the reports of these articles, reading their work in bulk."""
    return [_as_model(_compute(item)) for item in _read_inputs(article_ids, lookups)]


def _save_reports(reports: list[AgreementReport]) -> None:
    # One upsert per chunk instead of a SELECT and an UPDATE per article. computed_at as the
    # database's Now() (one transaction: one time) also keeps Django off PostgreSQL's UNNEST
    # bulk-insert path, whose client-side quoting of arrays of large JSON values costs
    # seconds per chunk.
    for report in reports:
        report.computed_at = Now()
    AgreementReport.objects.bulk_create(
        reports,
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["computed_at", "inputs", "stats", "report", "headline"],
    )


def _copy_reports(rows: list[Row]) -> None:
    """Upsert serialized reports on PostgreSQL: COPY into a temporary table, one INSERT.

    The JSON is parsed by the server from the bytes the workers wrote (binary COPY: no
    quoting or escaping of large values). Call inside a transaction (the table is dropped
    on commit).
    """
    table = connection.ops.quote_name(AgreementReport._meta.db_table)  # the model's, not input
    with connection.cursor() as cursor:
        if _has_lz4(cursor):
            # The reports are ~20 kB of JSON each: compressing them with lz4 instead of the
            # default pglz halves the server's time to store them (reads are transparent).
            cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
        cursor.execute(
            "CREATE TEMPORARY TABLE agreement_load (article_id integer, inputs bytea, "
            "stats bytea, report bytea, headline double precision) ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            "COPY agreement_load (article_id, inputs, stats, report, headline) FROM STDIN "
            "(FORMAT BINARY)"
        ) as copy:
            # Binary: the JSON goes as the workers' bytes, with no escaping on either side.
            copy.set_types(["int4", "bytea", "bytea", "bytea", "float8"])
            for row in rows:
                copy.write_row(row)
        sql = (
            f"INSERT INTO {table} (scope, article_id, computed_at, inputs, stats, report, "  # noqa: S608
            "headline) SELECT %s, article_id, STATEMENT_TIMESTAMP(), "
            "convert_from(inputs, 'UTF8')::jsonb, convert_from(stats, 'UTF8')::jsonb, "
            "convert_from(report, 'UTF8')::jsonb, headline FROM agreement_load "
            "ON CONFLICT (article_id) DO UPDATE SET computed_at = EXCLUDED.computed_at, "
            "inputs = EXCLUDED.inputs, stats = EXCLUDED.stats, report = EXCLUDED.report, "
            "headline = EXCLUDED.headline"
        )
        cursor.execute(sql, [ReportScope.ARTICLE.value])
        cursor.execute("DROP TABLE agreement_load")  # the next chunk may share the transaction


_LZ4: dict[str, bool] = {}


def _has_lz4(cursor: Any) -> bool:
    """Whether this PostgreSQL server can compress TOASTed values with lz4 (14+, built with it)."""
    key = connection.settings_dict["NAME"]
    if key not in _LZ4:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        found = cursor.fetchone()
        _LZ4[key] = bool(found and found[0])
    return _LZ4[key]


def compute_article_agreement(*, article_id: int) -> AgreementReport | None:
    """Recompute and store one article's agreement report from its submitted work.

    Returns the stored report, or None when nobody has submitted the article (any old
    report is then deleted: it described work that no longer counts).
    """
    reports = _build_reports([article_id], _Lookups())
    with transaction.atomic():
        if not reports:
            AgreementReport.objects.filter(article_id=article_id).delete()
            return None
        _save_reports(reports)
    return AgreementReport.objects.get(article_id=article_id)


def article_is_up_to_date(*, article_id: int) -> bool:
    """True when the stored report covers exactly the current submitted work."""
    report = AgreementReport.objects.filter(article_id=article_id).values("inputs").first()
    fp = _fingerprints([article_id]).get(article_id)
    if fp is None:
        return report is None
    if report is None:
        return False
    revision = Article.objects.filter(pk=article_id).values_list("revision", flat=True).first()
    return report["inputs"].get("fingerprint") == _fingerprint_key(fp, revision or 0)


def mark_article_stale(*, article_id: int) -> bool:
    """Record that an article's agreement must be recomputed.

    Returns True when this call inserted the marker, i.e. when the caller must enqueue the
    recomputation; False when one is already pending (a burst of submissions).
    """
    _, created = StaleAgreement.objects.get_or_create(
        article_id=article_id, defaults={"since": timezone.now()}
    )
    return created


def stale_article_ids() -> list[int]:
    """Articles whose report is missing, out of date, or no longer backed by a submission."""
    return _stale()[0]


def _stale() -> tuple[list[int], dict[int, dict[str, Any]]]:
    current = _fingerprints()
    revisions = dict(Article.objects.filter(pk__in=list(current)).values_list("pk", "revision"))
    stored = dict(
        AgreementReport.objects.articles().values_list("article_id", "inputs__fingerprint")
    )
    stale = [
        art_id
        for art_id, fp in current.items()
        if stored.get(art_id) != _fingerprint_key(fp, revisions.get(art_id, 0))
    ]
    orphans = [art_id for art_id in stored if art_id not in current]
    return sorted(stale + orphans), current


def recompute_stale_articles(*, workers: int | None = None, chunk: int | None = None) -> int:
    """Recompute every stale article report, in chunks; returns how many were recomputed.

    With ``workers`` > 1 (default: settings.AGREEMENT_WORKERS) and more than one chunk of
    stale articles, the figures are computed by that many worker processes while this
    process reads the next chunks and stores the finished ones; the figures are the same
    functions on the same data, so the reports are identical to a serial run.
    """
    return _recompute_stale(workers=workers, chunk=chunk).n_stale


class _Recomputed(NamedTuple):
    n_stale: int
    stored: set[int]  # articles whose report this run wrote
    cells: dict[tuple[str, str], CorpusAggregate]  # their stats summed per corpus cell


def _recompute_stale(*, workers: int | None = None, chunk: int | None = None) -> _Recomputed:
    ids, fingerprints = _stale()
    size = chunk or CHUNK
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    workers = settings.AGREEMENT_WORKERS if workers is None else workers
    reader = _Reader(_Lookups(), fingerprints)
    done = _Recomputed(len(ids), set(), defaultdict(CorpusAggregate))
    if workers > 1 and len(chunks) > 1:
        try:
            _recompute_parallel(chunks, reader, workers, done)
            return done
        except _NoWorkerProcesses as exc:  # e.g. a host that forbids forking here
            log.warning("agreement: no worker processes (%s); computing serially", exc)
    with _Writer(done) as writer:
        for part in chunks:
            writer.store(part, _compute_chunk(reader.read(part)))
    return done


class _Reader:
    def __init__(self, lookups: _Lookups, fingerprints: dict[int, dict[str, Any]]) -> None:
        self.lookups = lookups
        self.fingerprints = fingerprints

    def read(self, part: list[int]) -> list[ArticleInput]:
        # Markers go before the read, as in the task: a later submission re-marks and enqueues.
        StaleAgreement.objects.filter(article_id__in=part).delete()
        fps = {a: self.fingerprints[a] for a in part if a in self.fingerprints}
        with _no_cyclic_gc():  # tens of thousands of spans: plain tuples, no cycles
            return _read_inputs(part, self.lookups, fps)


class _Writer:
    """Stores computed chunks. On PostgreSQL outside a transaction, on a connection of its own
    in a thread: the server parses and stores one chunk's JSON while this process reads the
    next chunk (at most two chunks wait, so memory stays bounded)."""

    def __init__(self, done: _Recomputed) -> None:
        self.done = done
        threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.thread = ThreadPoolExecutor(max_workers=1) if threaded else None
        self.pending: deque[Future[None]] = deque()

    def store(self, part: Sequence[int], computed: ComputedChunk) -> None:
        if self.thread is None:
            _store_chunk(part, computed, self.done)
            return
        self.pending.append(self.thread.submit(_store_chunk, part, computed, self.done))
        while len(self.pending) > 1:
            self.pending.popleft().result()

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.thread is None:
            return
        try:
            while self.pending:
                self.pending.popleft().result()
        finally:
            self.thread.submit(connections.close_all).result()  # the thread's connection
            self.thread.shutdown()


def _store_chunk(part: Sequence[int], computed: ComputedChunk, done: _Recomputed) -> None:
    rows = computed.rows
    kept = {r[0] for r in rows}
    with transaction.atomic():
        AgreementReport.objects.filter(article_id__in=set(part) - kept).delete()
        if rows and connection.vendor == "postgresql":
            _copy_reports(rows)
        elif rows:
            _save_reports(
                [
                    AgreementReport(
                        scope=ReportScope.ARTICLE,
                        article_id=art_id,
                        inputs=json.loads(inputs),
                        stats=json.loads(stats),
                        report=json.loads(report),
                        headline=headline,
                    )
                    for art_id, inputs, stats, report, headline in rows
                ]
            )
    done.stored.update(kept)
    for cell, stats in computed.cells.items():
        done.cells[cell].add(stats)


class _NoWorkerProcesses(RuntimeError):
    pass


def _recompute_parallel(
    chunks: list[list[int]], reader: _Reader, workers: int, done: _Recomputed
) -> None:
    """Read chunks here, compute them in worker processes, store them here as they finish.

    The workers get plain data and never touch the database (forked children must not use
    the parent's connection); at most ``workers + 1`` chunks are in flight, so memory stays
    bounded however large the corpus.
    """
    if not connection.in_atomic_block:
        # The children are forked now, before the first read: none inherits a connection.
        connections.close_all()
    context = multiprocessing.get_context("fork")
    pending: deque[tuple[list[int], Future[ComputedChunk]]] = deque()
    # The children's garbage collector must not walk (and so copy) the parent's whole heap:
    # frozen objects are left out of every collection.
    gc.collect()
    gc.freeze()
    try:
        # The workers only turn plain data into plain data (no cycles): without the cyclic
        # collector, unpickling a chunk's spans and computing its reports cost less.
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=gc.disable)
        pool.submit(int).result()  # a fork pool starts all its processes on the first task
    except Exception as exc:  # nothing was read or written yet: the caller goes serial
        raise _NoWorkerProcesses(str(exc) or type(exc).__name__) from exc
    finally:
        gc.unfreeze()
    with pool, _Writer(done) as writer:
        for part in chunks:
            pending.append((part, pool.submit(_compute_chunk, reader.read(part))))
            while len(pending) > workers:
                finished, future = pending.popleft()
                writer.store(finished, future.result())
        while pending:
            finished, future = pending.popleft()
            writer.store(finished, future.result())


def _group_label(value: Any, empty: str) -> str:
    return str(value) if value not in (None, "") else empty


def _iter_stats(skip: set[int]) -> Iterator[tuple[dict[str, Any], str, str]]:
    """Stored stats of the article reports not in ``skip``, with their corpus cell."""
    ids = sorted(
        set(AgreementReport.objects.articles().values_list("article_id", flat=True)) - skip
    )
    for i in range(0, len(ids), CHUNK):
        query = (
            AgreementReport.objects.articles()
            .filter(article_id__in=ids[i : i + CHUNK])
            .order_by()
            .values_list("stats", "article__source", "article__import_job_id")
        )
        # The JSON text as the driver gives it, parsed by orjson: json.loads of ~5 kB of
        # stats per article was most of a quiet periodic run.
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for stats, source, job_id in rows:
            yield (
                stats if isinstance(stats, dict) else orjson.loads(stats),
                _group_label(source, NO_SOURCE),
                _group_label(job_id, NO_IMPORT_JOB),
            )


def corpus_scale() -> list[ScaleLabel] | None:
    """The labels the corpus report uses for ordinal alpha: those of the scales in use.

    Ordinal coincidences are stored per article on each label's ordinal, so the corpus only
    needs to know that an ordered scale exists.
    """
    lookups = _Lookups()
    used = Article.objects.filter(agreement__isnull=False).values_list(
        "verdict_scale_id", flat=True
    )
    labels: list[ScaleLabel] = []
    for scale_id in set(used):
        labels.extend(lookups.scales.get(scale_id, []))
    return labels or None


def compute_corpus_agreement(*, force: bool = True) -> AgreementReport | None:
    """Bring stale article reports up to date, then store a corpus report.

    The report is ``{"overall", "by_source", "by_import_job"}``; ``overall`` (and each group)
    carries the per-tag (``spans.by_tag``) and per-pair (``spans.pairs``, Cohen's kappa,
    confusion matrices) breakdowns. With ``force=False`` (the periodic run) nothing is stored
    when no article changed since the last corpus report. Keeps the last CORPUS_HISTORY rows.
    """
    started = timezone.now()
    done = _recompute_stale()
    recomputed = done.n_stale
    last = AgreementReport.objects.corpus().order_by("-computed_at", "-pk").first()
    newest = AgreementReport.objects.articles().aggregate(n=Count("id"), newest=Max("computed_at"))
    if (
        not force
        and last is not None
        and recomputed == 0
        and last.inputs.get("n_articles") == newest["n"]
        and last.inputs.get("newest_article_report") == _iso(newest["newest"])
    ):
        return None
    scale = corpus_scale()
    # Each article is added once, into its (source, import job) cell; the overall, per-source
    # and per-job totals are then sums of the few cells (CorpusAggregate.add is the cost).
    # The articles just recomputed were summed by whoever computed them (the worker
    # processes): only the others' stats are read back.
    cells = done.cells
    n = len(done.stored)
    for stats, source, job in _iter_stats(done.stored):
        cells[(source, job)].add(stats)  # type: ignore[arg-type]
        n += 1
    overall = CorpusAggregate()
    by_source: dict[str, CorpusAggregate] = defaultdict(CorpusAggregate)
    by_job: dict[str, CorpusAggregate] = defaultdict(CorpusAggregate)
    for (source, job), cell in cells.items():
        part = cell.as_stats()
        overall.add(part)
        by_source[source].add(part)
        by_job[job].add(part)
    report = {
        "overall": overall.report(scale=scale),
        "by_source": {k: by_source[k].report(scale=scale) for k in sorted(by_source)},
        "by_import_job": {k: by_job[k].report(scale=scale) for k in sorted(by_job)},
    }
    finished = timezone.now()
    inputs = {
        "n_articles": n,
        "newest_article_report": _iso(newest["newest"]),
        "recomputed_articles": recomputed,
        "started_at": started.isoformat(),
        "seconds": round((finished - started).total_seconds(), 3),
    }
    headline = report["overall"]["spans"]["mean_over_pairs"]["overlap"]["f1"]["value"]
    with transaction.atomic():
        row = AgreementReport.objects.create(
            scope=ReportScope.CORPUS,
            computed_at=finished,
            inputs=inputs,
            report=report,
            headline=headline,
        )
        keep = (
            AgreementReport.objects.corpus()
            .order_by("-computed_at", "-pk")
            .values_list("pk", flat=True)[:CORPUS_HISTORY]
        )
        AgreementReport.objects.corpus().exclude(pk__in=list(keep)).delete()
    log.info(
        "corpus agreement: %s articles (%s recomputed) in %ss", n, recomputed, inputs["seconds"]
    )
    return row


AGREEMENT_COALESCE_SECONDS = 2
CORPUS_AFTER_SUBMIT_SECONDS = 5  # after an article's report, the corpus one (coalesced)


def corpus_is_behind(last: AgreementReport | None = None) -> bool:
    """True while submissions are not in the latest corpus report yet: an article report is
    waiting to be computed, or is newer than the corpus report."""
    if StaleAgreement.objects.exists():
        return True
    if last is None:
        last = AgreementReport.objects.corpus().order_by("-computed_at", "-pk").first()
    newest = AgreementReport.objects.articles().aggregate(newest=Max("computed_at"))["newest"]
    if newest is None:
        return False
    return last is None or newest > last.computed_at


def schedule_article(*, article_id: int) -> None:
    """Mark an article's agreement stale and, if no recomputation is pending, enqueue one
    after the transaction commits (a few seconds later, so a burst of submissions is seen
    by one computation). Call inside the submitting transaction."""
    if not mark_article_stale(article_id=article_id):
        return
    from annotations.tasks import recompute_article_agreement

    transaction.on_commit(
        lambda: recompute_article_agreement.apply_async(
            (article_id,), countdown=AGREEMENT_COALESCE_SECONDS
        )
    )
