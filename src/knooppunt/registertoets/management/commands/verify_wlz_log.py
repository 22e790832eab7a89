"""knooppunt verify_wlz_log: every logged lookup matches its chained audit event."""

import sys

from django.core.management.base import BaseCommand

from knooppunt.registertoets import log


class Command(BaseCommand):
    help = (
        "Controleert het logboek van de Wlz-Registertoets tegen de keten van het logboek: "
        "een gewijzigde, verwijderde of toegevoegde raadpleging geeft een fout (exitcode 1)."
    )

    def handle(self, *args, **options):
        problems = log.verify()
        for problem in problems:
            self.stderr.write(f"keten {problem.keten}: {problem.reason}")
        if problems:
            sys.exit(1)
        self.stdout.write("De raadplegingen van de Wlz-Registertoets zijn ongewijzigd.")
