from django.core.management.base import BaseCommand, CommandError

from knooppunt.core import housekeeping


class Command(BaseCommand):
    help = "Dagelijks onderhoud: verlopen accounts, sessies, ... (zie knooppunt.core.housekeeping)."

    def add_arguments(self, parser):
        parser.add_argument("--job", action="append", dest="only", help="alleen deze taak")
        parser.add_argument("--list", action="store_true", dest="show", help="toon de taken")

    def handle(self, *args, only=None, show=False, **options):
        jobs = housekeeping.jobs()
        if show:
            for job in jobs:
                self.stdout.write(f"{job.name}\t{job.description}")
            return
        unknown = set(only or []) - {job.name for job in jobs}
        if unknown:
            raise CommandError(f"Onbekende taak: {', '.join(sorted(unknown))}")
        for name, count in housekeeping.run(only=only).items():
            self.stdout.write(f"{name}: {count}")
