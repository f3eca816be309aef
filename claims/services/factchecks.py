"""Earlier fact-checks: import ClaimReview JSON-LD or JSONL/CSV rows, match them to claims."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.dateparse import parse_date

from claims.models import Claim, EarlierCheckMatch, EarlierFactCheck
from claims.services.textmatch import LexicalIndex

MAX_ROWS = 50_000
MATCH_THRESHOLD = 0.45


class FactCheckImportError(ValueError):
    pass


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped: int
    errors: list[str]


def _http_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 2000:
        return None
    return value


def _from_claim_review(obj: dict[str, Any]) -> dict[str, Any]:
    rating = obj.get("reviewRating") or {}
    item = obj.get("itemReviewed") or {}
    author = item.get("author") or {}
    publisher = obj.get("author") or obj.get("publisher") or {}
    return {
        "claim": obj.get("claimReviewed"),
        "rating": rating.get("alternateName") or rating.get("ratingValue"),
        "url": obj.get("url"),
        "publisher": publisher.get("name", "") if isinstance(publisher, dict) else "",
        "claimant": author.get("name", "") if isinstance(author, dict) else "",
        "date": obj.get("datePublished"),
    }


def parse_rows(payload: bytes, filename: str) -> list[dict[str, Any]]:
    """Rows {claim, rating, url, publisher?, claimant?, date?} from JSON-LD, JSONL or CSV."""
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FactCheckImportError("The file is not UTF-8 text.") from None
    name = filename.lower()
    rows: list[dict[str, Any]] = []
    if name.endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text))
        missing = {"claim", "rating", "url"} - set(reader.fieldnames or [])
        if missing:
            raise FactCheckImportError(
                f"CSV needs the columns claim, rating, url (missing: {', '.join(sorted(missing))})."
            )
        rows = [dict(r) for r in reader]
    elif name.endswith(".jsonl"):
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                raise FactCheckImportError(f"Line {n} is not JSON: {exc}.") from None
            rows.append(
                _from_claim_review(obj)
                if isinstance(obj, dict) and obj.get("@type") == "ClaimReview"
                else obj
            )
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise FactCheckImportError(f"The file is not JSON: {exc}.") from None
        if isinstance(data, dict):
            data = data.get("@graph", [data])
        if not isinstance(data, list):
            raise FactCheckImportError("Expected a ClaimReview object or a list of them.")
        rows = [_from_claim_review(o) if isinstance(o, dict) else {} for o in data]
    if len(rows) > MAX_ROWS:
        raise FactCheckImportError(f"At most {MAX_ROWS} fact-checks per file.")
    return rows


@transaction.atomic
def import_fact_checks(*, user: Any, payload: bytes, filename: str) -> ImportResult:
    """Store the valid rows (http(s) links only), skip known ones, report the bad ones."""
    created = skipped = 0
    errors: list[str] = []
    for n, row in enumerate(parse_rows(payload, filename), start=1):
        if not isinstance(row, dict):
            errors.append(f"row {n}: not an object")
            continue
        claim = str(row.get("claim") or "").strip()
        rating = str(row.get("rating") or "").strip()
        url = _http_url(row.get("url"))
        if not claim or not rating or url is None:
            errors.append(f"row {n}: needs claim, rating and an http(s) url")
            continue
        raw_date = row.get("date")
        when: date | None = parse_date(raw_date[:10]) if isinstance(raw_date, str) else None
        _, new = EarlierFactCheck.objects.get_or_create(
            url=url,
            claim_text=claim[:5000],
            defaults={
                "rating": rating[:200],
                "publisher": str(row.get("publisher") or "")[:200],
                "claimant": str(row.get("claimant") or "")[:300],
                "date": when,
                "imported_by": user if getattr(user, "is_authenticated", False) else None,
            },
        )
        created += new
        skipped += not new
    transaction.on_commit(rematch_all)
    return ImportResult(created, skipped, errors[:50])


def _index() -> tuple[LexicalIndex, list[int]]:
    checks = list(EarlierFactCheck.objects.values_list("pk", "claim_text"))
    index = LexicalIndex()
    index.add([pk for pk, _ in checks], [t for _, t in checks])
    return index, [pk for pk, _ in checks]


def match_earlier_checks(*, claim_id: int, index: LexicalIndex | None = None) -> int:
    """Store "already checked" matches for one claim; return how many."""
    if index is None:
        if not EarlierFactCheck.objects.exists():
            return 0
        index, _ = _index()
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None or not len(index):
        return 0
    scores = index.scores([claim.canonical_text])[0]
    made = 0
    for j in scores.argsort()[::-1][:3]:
        if scores[j] < MATCH_THRESHOLD:
            break
        _, new = EarlierCheckMatch.objects.update_or_create(
            claim=claim, fact_check_id=index.keys[j], defaults={"score": float(scores[j])}
        )
        made += new
    return made


def rematch_all() -> int:
    """Match every live claim against the earlier fact-checks (after an import)."""
    index, _ = _index()
    return sum(
        match_earlier_checks(claim_id=pk, index=index)
        for pk in Claim.objects.live().values_list("pk", flat=True)
    )
