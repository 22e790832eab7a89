"""`knooppunt housekeeping`: the daily jobs (reactivation dates, purge of deleted users)."""

from django.core.management.base import BaseCommand

from knooppunt.usermanagement.housekeeping import JOBS


class Command(BaseCommand):
    help = "Dagelijks onderhoud: heractiveren na einddatum, verwijderde gebruikers opruimen."

    def handle(self, *args, **options):
        for label, job in JOBS:
            self.stdout.write(f"{label}: {job()}")
