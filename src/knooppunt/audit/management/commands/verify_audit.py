from django.core.management.base import BaseCommand, CommandError

from knooppunt.audit.services import verify


class Command(BaseCommand):
    help = (
        "Controleert de keten van het logboek: gewijzigde, ontbrekende en afgesneden regels, en "
        "regels die te lang niet in de keten zijn opgenomen."
    )

    def handle(self, *args, **options):
        problems = verify()
        for problem in problems[1:]:
            where = f"regel {problem.event_id}" if problem.event_id else "de keten"
            self.stderr.write(f"Ook: {where}: {problem.reason}.")
        if problems:
            problem = problems[0]
            where = f"regel {problem.event_id}" if problem.event_id else "de keten"
            raise CommandError(f"Logboek niet intact bij {where}: {problem.reason}.")
        self.stdout.write("Logboek intact.")
