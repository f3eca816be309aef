"""Publication times keep their zone; lead-sentence dates are found; the <h1> leaves the body."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from annotations.models import ImportItem
from annotations.services import imports
from annotations.text.cleaning import clean_text, lead_sentence_date, parse_date
from annotations.text.dates import parse_published
from annotations.text.extraction import extract_html

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "text" / "thehill_hovercard.html"
EST = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2019-11-18T23:04:00-05:00", datetime(2019, 11, 18, 23, 4, tzinfo=EST)),
        ("2019-11-18T23:04:00-0500", datetime(2019, 11, 18, 23, 4, tzinfo=EST)),
        ("2019-11-18 23:04 \u221205:00", datetime(2019, 11, 18, 23, 4, tzinfo=EST)),
        ("Mon, 18 Nov 2019 23:04:00 -0500", datetime(2019, 11, 18, 23, 4, tzinfo=EST)),
        ("2019-11-19T04:04:00Z", datetime(2019, 11, 19, 4, 4, tzinfo=UTC)),
        ("2019-11-18", date(2019, 11, 18)),
        ("2019-11-18T00:00:00", date(2019, 11, 18)),  # htmldate's "day only", not midnight
        ("not a date", None),
        ("2019-13-45", None),
    ],
)
def test_metadata_dates_keep_time_and_zone(value, expected):
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    "line,expected",
    [
        ("November 18, 2019 11:04 PM EST", datetime(2019, 11, 18, 23, 4, tzinfo=EST)),
        ("11/18/19 11:04 PM EST", datetime(2019, 11, 18, 23, 4, tzinfo=EST)),
        (
            "April 28, 2025 15:07 (EEST)",
            datetime(2025, 4, 28, 15, 7, tzinfo=timezone(timedelta(hours=3))),
        ),
        ("April 28, 2025 3:07 PM 2 min read", datetime(2025, 4, 28, 15, 7)),  # no zone given
        ("4/28/25", date(2025, 4, 28)),
        ("28/4/2025", date(2025, 4, 28)),  # only day-first is a real date
    ],
)
def test_dates_in_text_lines(line, expected):
    assert parse_date(line) == expected


def test_html_meta_time_with_zone_is_kept_not_midnight():
    published = extract_html(FIXTURE.read_bytes()).published
    assert published == datetime(2019, 11, 18, 23, 4, tzinfo=EST)
    assert published.astimezone(UTC) == datetime(2019, 11, 19, 4, 4, tzinfo=UTC)


@pytest.mark.django_db
def test_imports_store_the_instant_in_utc(admin_user):
    line = json.dumps(
        {"text": "Body sentence of the story. " * 12, "published": "2019-11-18 23:04 −05:00"}
    )
    job = imports.start_upload_import(
        user=admin_user,
        files=[("thehill.html", FIXTURE.read_bytes()), ("one.jsonl", line.encode())],
    )
    imports.run_import_job(job_id=job.pk)
    items = {i.name: i.article for i in ImportItem.objects.filter(job=job, article__isnull=False)}
    want = datetime(2019, 11, 19, 4, 4, tzinfo=UTC)
    assert items["thehill.html"].published_at == want
    assert items["one.jsonl:1"].published_at == want


def test_lead_sentence_date_with_weekday():
    assert lead_sentence_date("On Monday(4/28/25), North Korean state media") == date(2025, 4, 28)
    assert lead_sentence_date("on Monday, April 28, 2025, the agency said") == date(2025, 4, 28)
    assert lead_sentence_date("On Tuesday(4/28/25), a wrong weekday") is None
    cleaned = clean_text(
        "On Monday(4/28/25), North Korean state media confirmed the deployment.\n\n"
        "Analysts said more troops could follow."
    )
    assert cleaned.published == date(2025, 4, 28)
    assert cleaned.text.startswith("On Monday(4/28/25), North Korean")  # the sentence stays


def test_h1_leaves_the_body_when_the_title_came_from_og_title():
    html = FIXTURE.read_text(encoding="utf-8")
    html = html.replace(
        'content="Omar, Tlaib call for investigation into border facilities"',
        'content="Omar and Tlaib want border camps investigated"',
    ).replace(
        "<title>Omar, Tlaib call for investigation into border facilities | TheHill", "<title>x"
    )
    result = extract_html(html)
    assert result.title == "Omar and Tlaib want border camps investigated"
    assert result.text.startswith("Rep. Ilhan Omar (D-Minn.)")
    assert "Omar, Tlaib call for investigation" not in result.text
    assert any(
        r.text == "Omar, Tlaib call for investigation into border facilities"
        and r.reason == "title (moved to metadata)"
        for r in result.removed
    )
