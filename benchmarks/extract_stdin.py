"""Read one HTML page on stdin, run the importer's HTML path, print JSON for score.py.

Runs exactly ``annotations.text.extraction.extract_html(bytes)`` - the function the import job
calls - so the benchmark measures what reviewers will actually get.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# Make the repository importable when run as a script from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.text.extraction import extract_html


def main() -> int:
    """Extract stdin's HTML and write {"text","title","author","date"} as JSON to stdout."""
    article = extract_html(sys.stdin.buffer.read())
    out = {
        "text": article.text,
        "title": article.title,
        "author": article.byline,
        "date": article.published.isoformat() if article.published else None,
    }
    sys.stdout.write(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
