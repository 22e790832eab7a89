from django.core.management.base import BaseCommand

from knooppunt.access import principals
from knooppunt.core import crypto
from knooppunt.core.services import rotate_field_keys


class Command(BaseCommand):
    help = (
        "Versleutelt de versleutelde gegevens (sleutels van authenticator-apps, client secrets "
        "van eHerkenningmakelaars) opnieuw met de eerste sleutel van KNOOPPUNT_FIELD_KEYS, "
        "zodat de oude sleutel daarna weg kan. --new-key drukt een nieuwe sleutel af."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key", action="store_true", help="alleen een nieuwe sleutel afdrukken"
        )
        parser.add_argument(
            "--derived-key",
            action="store_true",
            help="alleen de sleutel afdrukken die zonder KNOOPPUNT_FIELD_KEYS uit SECRET_KEY "
            "wordt afgeleid (de oude sleutel bij de overstap naar een eigen sleutel)",
        )

    def handle(self, *args, new_key=False, derived_key=False, **options):
        if new_key:
            self.stdout.write(crypto.generate_key())
            return
        if derived_key:
            self.stdout.write(crypto.derived_key())
            return
        count = rotate_field_keys(principals.COMMAND_LINE)
        self.stdout.write(f"{count} waarden opnieuw versleuteld met de eerste sleutel.")
