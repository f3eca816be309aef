"""A web process does not load what only the worker computes with (memory at rest)."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

HEAVY = ("numpy", "sklearn", "scipy", "onnxruntime")


def test_loading_the_app_and_its_urls_imports_no_numerical_library():
    script = (
        "import sys\n"
        "from factcheck.wsgi import application\n"
        "from django.urls import resolve\n"
        "resolve('/')\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="testserver")
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert result.stdout.strip() == ""
