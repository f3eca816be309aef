"""Build output stays out of git (issue 13 item 20: factcheck.egg-info/ was committed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout"
)


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("path", ["factcheck.egg-info/PKG-INFO", "var/db.sqlite3", ".venv/x"])
def test_build_output_is_ignored(path):
    assert _git("check-ignore", "-q", "--no-index", path).returncode == 0, path


def test_no_build_output_is_tracked():
    tracked = _git("ls-files").stdout.splitlines()
    bad = [p for p in tracked if ".egg-info/" in p or p.startswith(("var/", ".venv/"))]
    assert not bad
