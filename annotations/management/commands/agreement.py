"""manage.py agreement FILE.jsonl: agreement figures of a JSONL file of spans, offline.

The same pure functions as the Celery jobs (annotations.agreement), so a team can check
agreement on data exported from here or from another tool. One span per line:
{"article", "reviewer", "start", "end", "tag", "verdict"?, "text_length"?} (docs/agreement.md).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.agreement import AgreementInputError, report_from_jsonl


class Command(BaseCommand):
    help = (
        "Compute agreement (span P/R/F1, alpha_U, verdict alpha, Cohen's and Fleiss' kappa, "
        "confusion matrices) for a JSONL file of spans and print a JSON report "
        '{"articles": [...], "corpus": {...}}. Use - to read standard input.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSONL file, one span per line (- for stdin).")
        parser.add_argument(
            "--scale",
            metavar="SLUG",
            help="Verdict scale (e.g. truth-o-meter) whose label order gives ordinal alpha; "
            "without it ordinal alpha is reported as undefined.",
        )
        parser.add_argument(
            "--indent", type=int, default=2, metavar="N", help="JSON indent (0: one line)."
        )
        parser.add_argument(
            "--corpus-only", action="store_true", help="Print only the corpus report."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = self._scale(options["scale"]) if options["scale"] else None
        source: Any = sys.stdin if options["file"] == "-" else options["file"]
        try:
            result = report_from_jsonl(source, scale=scale)
        except AgreementInputError as exc:
            raise CommandError(f"{options['file']}: {exc}") from None
        except FileNotFoundError:
            raise CommandError(f"{options['file']}: no such file.") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{options['file']}: not UTF-8 text ({exc.reason}).") from None
        except OSError as exc:
            raise CommandError(f"{options['file']}: {exc.strerror or exc}.") from None
        for report in result["articles"]:
            report.pop("stats", None)  # internal sums; the figures are what a reader wants
        if options["corpus_only"]:
            result = result["corpus"]
        indent = options["indent"] or None
        self.stdout.write(json.dumps(result, indent=indent, allow_nan=False, ensure_ascii=False))

    def _scale(self, slug: str) -> list[dict[str, Any]]:
        from annotations.models import VerdictScale

        scale = VerdictScale.objects.filter(slug=slug).first()
        if scale is None:
            known = ", ".join(VerdictScale.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No verdict scale {slug!r}; known scales: {known}.")
        return [
            {"slug": lab.slug, "ordinal": lab.ordinal, "is_rateable": lab.is_rateable}
            for lab in scale.labels.all()
        ]
