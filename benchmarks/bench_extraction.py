"""Score our HTML import path against trafilatura on the shared extraction benchmark.

Runs the benchmark's own ``score.py`` twice in one go:

* ``--cmd``: our path, ``benchmarks/extract_stdin.py`` (= ``extract_html``), one process per page;
* ``--baseline trafilatura``: trafilatura in-process (default settings and its best setting).

and prints F1/P/R for each plus our throughput in pages/s. Usage::

    python benchmarks/bench_extraction.py [--bench-dir ../shared/extraction-bench] [--limit N]

The bench folder defaults to ``../shared/extraction-bench`` relative to the repository root
(override with ``--bench-dir`` or the ``EXTRACTION_BENCH_DIR`` environment variable). Per-page
CSVs go to ``test-artifacts/extraction-bench/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _default_bench() -> Path:
    """``../shared/extraction-bench`` next to the repository root.

    In a secondary git worktree the root is the worktree, so the main checkout's sibling
    folder (found through the shared .git directory) is tried as well.
    """
    candidates = [REPO.parent / "shared" / "extraction-bench"]
    try:
        common = subprocess.run(
            ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
            cwd=REPO, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        candidates.append(Path(common).parent.parent / "shared" / "extraction-bench")
    except (OSError, subprocess.CalledProcessError):
        pass
    return next((c for c in candidates if (c / "score.py").exists()), candidates[0])


# One result line of score.py: "F1=0.975 P=0.966 R=0.985 pages=91 failures=0 seconds=12.3"
_RESULT_RE = re.compile(
    r"F1=(?P<f1>[\d.]+) P=(?P<p>[\d.]+) R=(?P<r>[\d.]+) pages=(?P<pages>\d+) "
    r"failures=(?P<failures>\d+) seconds=(?P<seconds>[\d.]+)"
)


def _run(args: list[str], cwd: Path) -> list[tuple[str, dict[str, float]]]:
    """Run score.py, echo its output, return [(label, figures)] for each result it printed."""
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"score.py failed with exit code {proc.returncode}")
    results, label = [], ""
    for line in proc.stdout.splitlines():
        if line.startswith("# ") and not line.startswith("#   "):
            label = line[2:]
        elif m := _RESULT_RE.search(line):
            results.append((label, {k: float(v) for k, v in m.groupdict().items()}))
    return results


def main() -> int:
    """Run both scorings and print a summary table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--bench-dir",
        type=Path,
        default=Path(os.environ["EXTRACTION_BENCH_DIR"])
        if os.environ.get("EXTRACTION_BENCH_DIR")
        else _default_bench(),
        help="folder holding score.py, html/ and ground-truth.json",
    )
    ap.add_argument("--limit", type=int, help="only the first N pages (smoke run, not a score)")
    ap.add_argument(
        "--variants",
        default="default,precision_nocomments",
        help="trafilatura baseline variants passed to score.py",
    )
    a = ap.parse_args()
    bench = a.bench_dir.resolve()
    score = bench / "score.py"
    if not score.exists():
        raise SystemExit(f"no score.py in {bench}; pass --bench-dir")
    out_dir = REPO / "test-artifacts" / "extraction-bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    limit = ["--limit", str(a.limit)] if a.limit else []
    script = REPO / "benchmarks" / "extract_stdin.py"
    ours_cmd = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"

    py = sys.executable
    ours = _run(
        [py, str(score), "--cmd", ours_cmd, "--csv", str(out_dir / "ours.csv"), *limit], cwd=REPO
    )
    base = _run(
        [py, str(score), "--baseline", "trafilatura", "--variants", a.variants,
         "--csv", str(out_dir / "baseline.csv"), *limit],
        cwd=REPO,
    )  # fmt: skip

    print("\n== summary ==")
    for label, m in [("ours (extract_html)", ours[0][1])] + [
        (f"trafilatura {lbl.split(':')[0].split()[-1]}", m) for lbl, m in base
    ]:
        print(
            f"{label:38} F1={m['f1']:.3f} P={m['p']:.3f} R={m['r']:.3f} "
            f"failures={int(m['failures'])}"
        )
    m = ours[0][1]
    print(
        f"ours throughput: {m['pages'] / m['seconds']:.1f} pages/s "
        f"({int(m['pages'])} pages, one process per page, 2 in parallel, incl. interpreter start)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
