""".env.example shows the real defaults (issue 13 item 20: it said SECURE_HSTS_PRELOAD=0 while
production defaults to on)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LINE = re.compile(r"^([A-Z0-9_]+)=(.*?)\s*(?:#.*)?$")
_TRUE = {"1", "true", "yes", "on"}


def _example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = LINE.match(line)
        if match:
            values[match[1]] = match[2]
    return values


def _production_defaults(names: list[str]) -> dict[str, object]:
    """The settings a production start gets with none of these variables set."""
    env = {k: v for k, v in os.environ.items() if k not in names and not k.startswith("SECURE_")}
    env.update(DEBUG="0", SECRET_KEY="x" * 50, DJANGO_SETTINGS_MODULE="factcheck.settings")
    code = (
        "import django, json, sys; django.setup(); from django.conf import settings as s\n"
        "names = json.loads(sys.argv[1]); out = {}\n"
        "for n in names:\n"
        "    v = getattr(s, n, None)\n"
        "    if isinstance(v, (bool, int, float, str)): out[n] = v\n"
        "d = s.DATABASES['default']\n"
        "out['DB_CONN_MAX_AGE'] = d['CONN_MAX_AGE']\n"
        "out['DB_CONN_HEALTH_CHECKS'] = d['CONN_HEALTH_CHECKS']\n"
        "print(json.dumps(out))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(names)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _parse(example: str, like: object) -> object:
    if isinstance(like, bool):
        return example.lower() in _TRUE
    if isinstance(like, int):
        return int(example)
    if isinstance(like, float):
        return float(example)
    return example


def test_every_value_in_env_example_is_the_production_default():
    example = _example()
    defaults = _production_defaults(sorted(example))
    # Values left empty are "unset" (examples are in the comment), so not compared.
    compared = {n: v for n, v in example.items() if v and n in defaults}
    assert {"SECURE_HSTS_PRELOAD", "DB_CONN_MAX_AGE", "IMPORT_MAX_BYTES"} <= set(compared)
    wrong = {
        name: (value, defaults[name])
        for name, value in compared.items()
        if _parse(value, defaults[name]) != defaults[name]
    }
    assert not wrong, f".env.example value vs real default: {wrong}"


def test_persistent_connections_with_health_checks_by_default():
    defaults = _production_defaults([])
    assert defaults["DB_CONN_MAX_AGE"] == 60
    assert defaults["DB_CONN_HEALTH_CHECKS"] is True
