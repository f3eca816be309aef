"""manage.py agreement FILE.jsonl prints the same report as the library; malformed input is
an error naming the line, with exit code 1."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from annotations.agreement import report_from_jsonl

FIXTURES = Path(__file__).parent / "fixtures" / "agreement"


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("agreement", *args, stdout=out)
    return json.loads(out.getvalue())


def test_prints_the_library_report():
    result = run(str(FIXTURES / "spans.jsonl"))
    expected = report_from_jsonl(FIXTURES / "spans.jsonl")
    for report in expected["articles"]:
        report.pop("stats")
    assert result == json.loads(json.dumps(expected))
    a1, a2 = result["articles"]
    assert a1["spans"]["mean_over_pairs"]["overlap"]["f1"]["value"] == 1.0
    assert a1["spans"]["mean_over_pairs"]["exact"]["f1"]["value"] == 0.5
    assert a2["verdicts"]["alpha_nominal"]["value"] is None  # a single reviewer
    assert "text_length missing" in a2["notes"][0]
    assert result["corpus"]["verdicts"]["alpha_ordinal"]["undefined_reason"]


@pytest.mark.django_db
def test_scale_gives_ordinal_alpha():
    result = run(str(FIXTURES / "spans.jsonl"), "--scale", "truth-o-meter", "--corpus-only")
    alpha = result["verdicts"]["alpha_ordinal"]
    assert alpha["value"] is not None
    assert alpha["counts"]["n_pairable"] == 4


@pytest.mark.django_db
def test_unknown_scale_is_an_error():
    with pytest.raises(CommandError, match=r"No verdict scale 'nope'; known scales: .*fever"):
        run(str(FIXTURES / "spans.jsonl"), "--scale", "nope")


def test_malformed_line_is_reported_with_its_number():
    with pytest.raises(CommandError, match=r"malformed.jsonl: line 2: 'end' \(5\) must be greater"):
        run(str(FIXTURES / "malformed.jsonl"))


def test_missing_file_is_an_error():
    with pytest.raises(CommandError, match="no such file"):
        run(str(FIXTURES / "absent.jsonl"))


def test_exit_code_and_stderr_from_the_shell():
    proc = subprocess.run(
        [sys.executable, "manage.py", "agreement", str(FIXTURES / "malformed.jsonl")],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "1"},
        check=False,
    )
    assert proc.returncode == 1
    assert "line 2" in proc.stderr
    assert proc.stdout == ""
