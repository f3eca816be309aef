"""Prepare a demo: roles, demo accounts, and the seed articles imported by a real job."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations.models import ImportJob, JobKind
from annotations.services.accounts import create_user, ensure_roles
from annotations.services.imports import ImportInput, create_import_job

DEMO_USERS = (
    # username, role, first name
    ("alice", "reviewer", "Alice"),
    ("bob", "reviewer", "Bob"),
    ("carol", "adjudicator", "Carol"),
    ("admin", "admin", "Ada"),
)


class Command(BaseCommand):
    help = "Create roles and demo accounts, and import the seed articles through an import job."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seeds", default=str(settings.BASE_DIR / "seeds"))
        parser.add_argument("--password", default="demo-pass-2025", help="For all demo users.")
        parser.add_argument("--wait", action="store_true", help="Wait for the import job.")
        parser.add_argument("--timeout", type=float, default=120.0)

    def handle(self, *args: Any, **opts: Any) -> None:
        ensure_roles()
        self.stdout.write("Demo accounts (username / password / role):")
        for username, role, first_name in DEMO_USERS:
            _, created = create_user(
                username=username, password=opts["password"], role=role, first_name=first_name
            )
            note = "" if created else "  (already there; password unchanged)"
            self.stdout.write(f"  {username:8} {opts['password']}  {role}{note}")

        job = ImportJob.objects.filter(kind=JobKind.SEED).order_by("pk").first()
        if job is not None:
            self.stdout.write(f"Seed articles: import job #{job.pk} already exists ({job.status}).")
        else:
            seeds = sorted(Path(opts["seeds"]).glob("*.txt"))
            if not seeds:
                raise CommandError(f"No seed files (*.txt) in {opts['seeds']}.")
            job = create_import_job(
                user=None,
                kind=JobKind.SEED,
                label="Demo seed articles",
                inputs=[ImportInput(name=p.name, payload=p.read_bytes()) for p in seeds],
            )
            self.stdout.write(f"Seed articles: import job #{job.pk} queued ({len(seeds)} files).")
        if opts["wait"]:
            deadline = time.monotonic() + opts["timeout"]
            while not job.is_finished:
                if time.monotonic() > deadline:
                    raise CommandError(f"Import job #{job.pk} did not finish; is a worker running?")
                time.sleep(0.2)
                job.refresh_from_db()
            self.stdout.write(f"Import job #{job.pk}: {job.status}, {job.imported} imported.")
