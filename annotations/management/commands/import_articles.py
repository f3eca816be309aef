"""Import articles from files, folders, zips, JSONL files and URLs through a Celery import job."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations.models import ImportJob, JobStatus
from annotations.services.imports import (
    NO_WORKER_MESSAGE,
    ImportRequestError,
    job_progress,
    start_command_import,
)

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Queue one import job for the given files, folders (.txt .html .htm .jsonl .zip) and "
        "http(s) URLs. A Celery worker runs it; --wait shows its progress until it finishes."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("targets", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument("--source", default="", help="Outlet recorded on every article.")
        parser.add_argument("--wait", action="store_true", help="Show progress until done.")
        parser.add_argument(
            "--timeout", type=float, default=0, help="With --wait: give up after this many s."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            job = start_command_import(user=None, targets=opts["targets"], source=opts["source"])
        except ImportRequestError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Import job #{job.pk} queued ({job.total} item(s)).")
        if opts["wait"]:
            self._wait(job, timeout=opts["timeout"])

    def _wait(self, job: ImportJob, *, timeout: float) -> None:
        started = time.monotonic()
        warned = False
        last = ""
        while True:
            progress = job_progress(job, limit=500)
            bar_done = BAR_WIDTH * progress["percent"] // 100
            line = (
                f"[{'#' * bar_done}{'.' * (BAR_WIDTH - bar_done)}] {progress['percent']:3d}% "
                f"{progress['seen']}/{progress['total']}  imported {progress['imported']}, "
                f"duplicate {progress['duplicates']}, failed {progress['failed']}"
                + (f", revised {progress['revised']}" if progress["revised"] else "")
            )
            if line != last:
                self.stdout.write("\r" + line, ending="")
                self.stdout.flush()
                last = line
            if progress["finished"]:
                break
            if progress["no_worker_warning"] and not warned:
                waited = settings.IMPORT_NO_WORKER_WARNING_SECONDS
                self.stdout.write(f"\nNo worker picked the job up after {waited} s. ")
                self.stdout.write(NO_WORKER_MESSAGE)
                warned = True
            if timeout and time.monotonic() - started > timeout:
                raise CommandError(f"\nImport job #{job.pk} did not finish within {timeout:g} s.")
            time.sleep(0.5)
        self.stdout.write("")
        for item in progress["items"]:
            if item["status"] == "failed":
                self.stdout.write(f"  failed: {item['error']}")
        self.stdout.write(f"Import job #{job.pk}: {progress['status_display']}.")
        if progress["status"] == JobStatus.FAILED:
            raise CommandError(f"Import job #{job.pk} failed.")
