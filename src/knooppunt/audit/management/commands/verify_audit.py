from django.core.management.base import BaseCommand, CommandError

from knooppunt.audit.services import verify_chain


class Command(BaseCommand):
    help = "Controleert de keten van het logboek; meldt de eerste gebroken schakel."

    def handle(self, *args, **options):
        problem = verify_chain()
        if problem is not None:
            where = f"regel {problem.event_id}" if problem.event_id else "de keten"
            raise CommandError(f"Logboek niet intact bij {where}: {problem.reason}.")
        self.stdout.write("Logboek intact.")
