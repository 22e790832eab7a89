"""`knooppunt worker`: run background jobs (mail, housekeeping, the audit seal)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from knooppunt.jobs.queue import run_queued
from knooppunt.jobs.schedules import ensure_schedules


class Command(BaseCommand):
    help = (
        "Voert achtergrondtaken uit (e-mail, dagelijks onderhoud, logboekketen). Start er zoveel "
        "als nodig, op een of meer servers: ze delen de wachtrij in de database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Voer uit wat nu in de wachtrij staat en stop (zonder planning).",
        )

    def handle(self, *args, **options):
        if options["once"]:
            done = run_queued()
            self.stdout.write(f"{done} taken uitgevoerd")
            return
        for name in ensure_schedules():
            self.stdout.write(f"planning bijgewerkt: {name}")
        call_command("qcluster")
