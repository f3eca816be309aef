"""Importing JSONL lines (and JSON array elements) in batches, still exactly once per item.

The worker claims a batch of line items at once (one conditional UPDATE, one claim stamp).
Parsing, cleaning, hashing and MinHash signatures happen before any transaction. Then ONE
transaction per batch:

1. re-takes the claim: a conditional UPDATE on (running, our stamp) that also locks the
   rows; items another worker took over meanwhile are dropped from the batch (they keep the
   other worker's outcome);
2. looks up, with one query each, the stored articles with the batch's URLs / outlet ids
   (revisions), with its content hashes (exact duplicates) and sharing its MinHash bands
   (near-duplicate candidates, then their signatures);
3. decides every item in position order, also against the earlier items of the same batch
   (an in-memory band index), inserts the new articles and their band rows with bulk_create;
   items naming a stored URL / id (or one an earlier item of the batch used) go through the
   revision path one by one (store_draft, in a savepoint), after the new articles exist;
4. stores the spans of pre-annotated records (bulk_spans.import_spans) and writes every
   item's outcome with one executemany UPDATE.

If the worker dies, the transaction never commits and the items stay "running" with our
stamp, so requeue_stale_jobs hands them out again. If the batch fails as a whole (another
worker inserted one of our texts at the same moment: a unique violation), it is redone one
item per transaction, so each item still gets exactly one outcome and its own error.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from annotations import text as textpipe
from annotations.models import Article, ImportItem, ImportJob, ItemStatus, MinHashBand
from annotations.text.dedup import band_keys, normalized_content_hash, signature
from annotations.text.normalize import normalize_text

from ..bulk_insert import bulk_insert, copy_rows
from .records import ParsedRecord, parse_record
from .sources import ItemError
from .store import MAX_CANDIDATES, store_draft

log = logging.getLogger(__name__)

# Items per transaction once a job is under way. The first claims are smaller (see
# next_batch_size) so that the first articles show up at once and a big job's items are
# spread over the workers that join it.
BATCH_SIZE = 250
FIRST_BATCH = 10


def next_batch_size(previous: int) -> int:
    return min(BATCH_SIZE, max(FIRST_BATCH, previous * 4))


@dataclass
class _Entry:
    item: ImportItem
    parsed: ParsedRecord | None = None
    error: str = ""
    digest: str = ""
    signature: list[int] = field(default_factory=list)
    bands: list[tuple[int, int]] = field(default_factory=list)  # (band, key)
    keys: list[int] = field(default_factory=list)
    # outcome
    status: str = ""
    article: Article | None = None
    duplicate_of_id: int | None = None
    similarity: float | None = None
    notes: list[str] = field(default_factory=list)
    spans_created: int = 0
    candidates: list[int] = field(default_factory=list)  # stored near-duplicate candidates
    original: Article | None = None  # an earlier article of the batch this one nearly copies


def _payload(item: ImportItem) -> bytes:
    payload = getattr(item, "_payload", None)
    if payload is None:
        payload = bytes(ImportItem.objects.values_list("payload", flat=True).get(pk=item.pk) or b"")
    return payload


def _prepare(item: ImportItem) -> _Entry:
    """Parse and clean one line, outside any transaction; failures become the item's error."""
    entry = _Entry(item)
    try:
        payload = _payload(item)
        if len(payload) > settings.IMPORT_MAX_BYTES:
            raise ItemError(
                f"{item.name}: larger than the limit of {settings.IMPORT_MAX_BYTES} bytes."
            )
        entry.parsed = parse_record(item.name, payload)
        text = normalize_text(entry.parsed.draft.text)  # once, for the hash and the MinHash
        entry.digest = normalized_content_hash(text)
        entry.signature = signature(text, normalized=True)
        entry.bands = band_keys(entry.signature)
        entry.keys = [key for _band, key in entry.bands]
    except ItemError as exc:
        entry.error = str(exc)
    except Exception as exc:  # one bad line must not stop the batch; the reason is kept
        log.exception("import item %s failed", item.pk)
        entry.error = f"{item.name}: unexpected error while importing: {type(exc).__name__}: {exc}"
    return entry


def process_batch(items: list[ImportItem], *, job_id: int, source: str, scale_id: int) -> None:
    """Import claimed JSONL line items in one transaction (see the module docstring)."""
    store_batch(prepare_batch(items), job_id=job_id, source=source, scale_id=scale_id)


def prepare_batch(items: list[ImportItem]) -> list[_Entry]:
    """The CPU part of a batch, no database: parse, clean, hash and sign every line.

    The job loop runs this in a thread for the next batch while the current one is stored
    (the database work releases the GIL while it waits for the server).
    """
    return [_prepare(item) for item in items]


def store_batch(entries: list[_Entry], *, job_id: int, source: str, scale_id: int) -> None:
    """Store prepared entries in one transaction; redo them one by one if that fails."""
    try:
        with transaction.atomic():
            _store_batch(entries, job_id=job_id, source=source, scale_id=scale_id)
        return
    except Exception:  # a unique violation raced with another worker, or one odd item
        if len(entries) == 1:
            log.exception("import item %s failed", entries[0].item.pk)
        else:
            log.warning("batch of %d import items failed; redoing them one by one", len(entries))
    if len(entries) == 1:
        entry = entries[0]
        _fail_alone(entry.item, f"{entry.item.name}: could not be stored (see the worker log).")
        return
    for entry in entries:
        _reset(entry)
        try:
            with transaction.atomic():
                _store_batch([entry], job_id=job_id, source=source, scale_id=scale_id)
        except Exception as exc:  # this item's own error; the others are stored
            log.exception("import item %s failed", entry.item.pk)
            _fail_alone(
                entry.item, f"{entry.item.name}: could not be stored: {type(exc).__name__}: {exc}"
            )


def _reset(entry: _Entry) -> None:
    entry.status, entry.article, entry.duplicate_of_id, entry.similarity = "", None, None, None
    entry.notes, entry.spans_created, entry.candidates, entry.original = [], 0, [], None


def _fail_alone(item: ImportItem, reason: str) -> None:
    ImportItem.objects.filter(
        pk=item.pk, status=ItemStatus.RUNNING, claimed_at=item.claimed_at
    ).update(status=ItemStatus.FAILED, error=reason[:5000], finished_at=timezone.now())


def _retake_claims(entries: list[_Entry]) -> list[_Entry]:
    """Lock our claimed rows; drop the items whose claim was taken over."""
    by_stamp: dict[Any, list[int]] = defaultdict(list)
    for e in entries:
        by_stamp[e.item.claimed_at].append(e.item.pk)
    ours: set[int] = set()
    for stamp, ids in by_stamp.items():
        claimed = ImportItem.objects.filter(pk__in=ids, status=ItemStatus.RUNNING, claimed_at=stamp)
        # The UPDATE takes the row locks (PostgreSQL) / the write lock (SQLite): from here
        # to the commit nobody can requeue or take these items.
        if claimed.update(claimed_at=stamp) == len(ids):
            ours.update(ids)
        else:
            ours.update(claimed.values_list("pk", flat=True))
    lost = [e for e in entries if e.item.pk not in ours]
    for e in lost:
        log.warning("import item %s was taken over by another worker; dropped", e.item.pk)
    return [e for e in entries if e.item.pk in ours]


def _store_batch(entries: list[_Entry], *, job_id: int, source: str, scale_id: int) -> None:
    entries = _retake_claims(entries)
    good = [e for e in entries if e.parsed is not None]
    for e in entries:
        if e.parsed is None:
            e.status = ItemStatus.FAILED
    if good:
        _decide_and_insert(good, job_id=job_id, source=source, scale_id=scale_id)
        _store_spans(good, job_id=job_id)
    _write_outcomes(entries)


def _decide_and_insert(entries: list[_Entry], *, job_id: int, source: str, scale_id: int) -> None:
    urls = {e.parsed.draft.url for e in entries if e.parsed and e.parsed.draft.url}
    ids = {e.parsed.draft.source_id for e in entries if e.parsed and e.parsed.draft.source_id}
    known_urls: set[str] = set()
    known_ids: set[str] = set()
    if urls or ids:
        for url, sid in Article.objects.filter(Q(url__in=urls) | Q(source_id__in=ids)).values_list(
            "url", "source_id"
        ):
            known_urls.add(url)
            known_ids.add(sid)
    stored_hashes = dict(
        Article.objects.filter(content_hash__in={e.digest for e in entries}).values_list(
            "content_hash", "pk"
        )
    )
    candidates = _stored_candidates(entries)

    new: list[_Entry] = []
    revisions: list[_Entry] = []
    batch_hashes: dict[str, _Entry] = {}
    batch_bands: dict[int, list[_Entry]] = defaultdict(list)
    for e in entries:
        assert e.parsed is not None
        draft = e.parsed.draft
        if (draft.url and draft.url in known_urls) or (
            draft.source_id and draft.source_id in known_ids
        ):
            revisions.append(e)  # a stored article, or an earlier item of this batch
            continue
        if draft.url:
            known_urls.add(draft.url)
        if draft.source_id:
            known_ids.add(draft.source_id)
        if e.digest in stored_hashes:
            e.status, e.duplicate_of_id, e.similarity = "duplicate", stored_hashes[e.digest], 1.0
            continue
        if e.digest in batch_hashes:
            e.status, e.similarity = "duplicate", 1.0
            e.duplicate_of_id = -1  # resolved after the insert
            e.article = batch_hashes[e.digest].article  # the batch's article, for its pk
            continue
        original_id, original, score = _best_original(e, candidates, batch_bands)
        article = Article(
            title=(draft.title or textpipe.lead_title(draft.text))[:500],
            byline=draft.byline[:300],
            published_at=draft.published,
            source=(draft.source or source)[:200],
            url=draft.url[:2000],
            source_id=draft.source_id[:300],
            language=draft.language[:20],
            raw=draft.raw,
            raw_format=draft.raw_format,
            text=draft.text,
            content_hash=e.digest,
            minhash=e.signature,
            near_duplicate_of_id=original_id,
            near_duplicate_similarity=score if (original_id or original) else None,
            removed_lines=draft.removed,
            import_job_id=job_id,
            verdict_scale_id=scale_id,
        )
        e.status, e.article = "imported", article
        e.similarity = score if (original_id or original) else None
        e.original = original  # linked once it has a pk (bulk_create sets them in order)
        batch_hashes[e.digest] = e
        for key in e.keys:
            batch_bands[key].append(e)
        new.append(e)

    if new:
        # Earlier articles of the batch get their pks first, so the later ones can link.
        bulk_insert([e.article for e in new])
        for e in new:
            assert e.article is not None
            if e.original is not None:
                e.article.near_duplicate_of_id = e.original.pk
        linked = [e.article for e in new if e.original is not None]
        if linked:
            Article.objects.bulk_update(linked, ["near_duplicate_of"], batch_size=500)
        for e in new:
            e.duplicate_of_id = e.article.near_duplicate_of_id if e.article else None
        _insert_bands(
            [
                (e.article.pk, band, key)
                for e in new
                if e.article is not None
                for band, key in e.bands
            ]
        )
    for e in entries:
        if e.duplicate_of_id == -1 and e.article is not None:
            e.duplicate_of_id, e.article = e.article.pk, None
    for e in revisions:
        _revise(e, job_id=job_id, source=source, scale_id=scale_id)


def _insert_bands(rows: list[tuple[int, int, int]]) -> None:
    """Band rows, 32 per article: COPY on PostgreSQL, one executemany INSERT elsewhere; no
    model instance per row (building 32 per article cost more than storing them)."""
    if not rows:
        return
    meta = MinHashBand._meta
    columns = [meta.get_field(n).column for n in ("article", "band", "key")]
    if connection.vendor == "postgresql":
        copy_rows(meta.db_table, columns, rows)
        return
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        "VALUES (%s, %s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _array_literal(values: Any) -> str:
    """A PostgreSQL array literal of integers ("{1,2,3}")."""
    return "{" + ",".join(map(str, values)) + "}"


def _articles_sharing(keys: set[int]) -> list[tuple[int, int]]:
    """(article_id, key) of the stored band rows with any of ``keys``: on PostgreSQL with one
    array parameter (``= ANY``), which spares converting thousands of ``IN`` placeholders."""
    if connection.vendor != "postgresql":
        return list(MinHashBand.objects.filter(key__in=keys).values_list("article_id", "key"))
    meta = MinHashBand._meta
    quote = connection.ops.quote_name
    article, key = (quote(meta.get_field(n).column) for n in ("article", "key"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {article}, {key} FROM {quote(meta.db_table)} "  # noqa: S608
            f"WHERE {key} = ANY(%s::bigint[])",
            [_array_literal(keys)],
        )
        return cursor.fetchall()


def _stored_candidates(entries: list[_Entry]) -> dict[int, tuple[list[int], int | None]]:
    """Stored articles sharing bands with any entry: {pk: (signature, near_duplicate_of_id)}.

    One query for the band rows and one for the signatures of the best candidates of each
    entry (at most MAX_CANDIDATES per entry, most shared bands first, as store.py does).
    """
    all_keys = {k for e in entries for k in e.keys}
    if not all_keys:
        return {}
    rows = _articles_sharing(all_keys)
    by_key: dict[int, list[int]] = defaultdict(list)
    for article_id, key in rows:
        by_key[key].append(article_id)
    wanted: set[int] = set()
    for e in entries:
        shared: Counter[int] = Counter()
        for key in e.keys:
            shared.update(by_key.get(key, ()))
        best = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CANDIDATES]
        e.candidates = [pk for pk, _n in best]
        wanted.update(e.candidates)
    if not wanted:
        return {}
    return {
        pk: (sig, dup)
        for pk, sig, dup in Article.objects.filter(pk__in=wanted).values_list(
            "pk", "minhash", "near_duplicate_of_id"
        )
    }


def _best_original(
    e: _Entry,
    stored: dict[int, tuple[list[int], int | None]],
    batch_bands: dict[int, list[_Entry]],
) -> tuple[int | None, Article | None, float]:
    """The original this text nearly duplicates: (stored pk, or batch article, score)."""
    best_id: int | None = None
    best_entry: _Entry | None = None
    best = 0.0
    for pk in e.candidates:
        sig, _dup = stored[pk]
        if len(sig) != len(e.signature):
            continue
        score = textpipe.similarity(e.signature, sig)
        if score > best or (score == best and best_id is not None and pk < best_id):
            best_id, best = pk, score
    seen: set[int] = set()
    for key in e.keys:
        for other in batch_bands.get(key, ()):
            if id(other) in seen:
                continue
            seen.add(id(other))
            score = textpipe.similarity(e.signature, other.signature)
            if score > best:  # a stored article wins a tie: it is older
                best_entry, best_id, best = other, None, score
    if best < settings.NEAR_DUPLICATE_THRESHOLD:
        return None, None, best
    if best_entry is not None:
        # Link to the original, not to another copy of it.
        assert best_entry.article is not None
        if best_entry.original is not None:
            return None, best_entry.original, best
        if best_entry.article.near_duplicate_of_id is not None:
            return best_entry.article.near_duplicate_of_id, None, best
        return None, best_entry.article, best
    assert best_id is not None
    dup = stored[best_id][1]
    return (dup if dup is not None else best_id), None, best


def _revise(e: _Entry, *, job_id: int, source: str, scale_id: int) -> None:
    """An item naming a stored URL / outlet id: the single-item path, in a savepoint."""
    assert e.parsed is not None
    try:
        with transaction.atomic():
            outcome = store_draft(
                draft=e.parsed.draft, job_id=job_id, default_source=source,
                verdict_scale_id=scale_id,
            )  # fmt: skip
    except (ItemError, DatabaseError, ValueError) as exc:
        e.status, e.error = ItemStatus.FAILED, f"{e.item.name}: {exc}"
        return
    e.status = outcome.status
    e.article = outcome.article
    e.duplicate_of_id = outcome.duplicate_of.pk if outcome.duplicate_of else None
    e.similarity = outcome.similarity


def _store_spans(entries: list[_Entry], *, job_id: int) -> None:
    from annotations.services.bulk_spans import import_spans

    with_spans = [e for e in entries if e.parsed and (e.parsed.spans or e.parsed.problems)]
    if not with_spans:
        return
    actor = ImportJob.objects.select_related("created_by").get(pk=job_id).created_by
    pairs = []
    for e in with_spans:
        assert e.parsed is not None
        e.notes.extend(e.parsed.problems)
        if not e.parsed.spans:
            continue
        if e.article is None or e.status == ItemStatus.FAILED:
            if e.status != ItemStatus.FAILED:
                e.notes.append(
                    f"{len(e.parsed.spans)} span(s) not imported: the text is already stored "
                    f"(article {e.duplicate_of_id})."
                )
            continue
        pairs.append((e, e.parsed.spans))
    if not pairs:
        return
    # A revision replaced the article's text: its spans were placed on the draft's text,
    # which is now the article's text; import_spans checks every quote again.
    results = import_spans(batch=[(e.article, specs) for e, specs in pairs], actor=actor)
    for (e, _specs), result in zip(pairs, results, strict=True):
        e.notes.extend(result.problems)
        e.spans_created = result.created


def _write_outcomes(entries: list[_Entry]) -> None:
    """Every item's outcome in one executemany UPDATE (the rows are locked by us)."""
    if not entries:
        return
    now = timezone.now()
    meta = ImportItem._meta
    names = ["status", "article", "duplicate_of", "similarity", "error", "metadata", "finished_at"]
    fields = [meta.get_field(n) for n in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    params = []
    for e in entries:
        metadata = dict(e.item.metadata)
        if e.parsed is not None and (e.parsed.spans or e.notes):
            metadata["spans"] = {
                "format": e.parsed.format,
                "given": len(e.parsed.spans),
                "imported": e.spans_created,
                "problems": e.notes[:200],
            }
        error = e.error
        if not error and e.notes:
            error = "; ".join(e.notes)  # shown beside an imported item: what was left out
        values = {
            "status": e.status or ItemStatus.FAILED,
            "article": e.article.pk if e.article is not None and e.status != "duplicate" else None,
            "duplicate_of": e.duplicate_of_id,
            "similarity": e.similarity,
            "error": error[:5000],
            "metadata": metadata,
            "finished_at": now,
        }
        params.append(
            [f.get_db_prep_save(values[n], connection) for f, n in zip(fields, names, strict=True)]
            + [e.item.pk]
        )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
