from django.core.exceptions import ValidationError

from knooppunt.access.principals import COMMAND_LINE
from knooppunt.operators.services import appoint_admin
from knooppunt.organisations.models import Organisation

from ._base import OperatorCommand

OPTION_NAMES = {
    "voorletters": "--voorletters",
    "voornaam": "--voornaam",
    "tussenvoegsel": "--tussenvoegsel",
    "achternaam": "--achternaam",
    "email": "--email",
    "telefoonnummer": "--telefoonnummer",
}


class Command(OperatorCommand):
    help = (
        "Benoemt een gebruikersbeheerder voor een organisatie, stuurt de uitnodiging per e-mail "
        "en drukt als laatste regel de gebruikersnaam af."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True)
        parser.add_argument("--voorletters", required=True)
        parser.add_argument("--voornaam", required=True)
        parser.add_argument("--tussenvoegsel", default="")
        parser.add_argument("--achternaam", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--telefoonnummer", default="")

    def handle(self, *args, **options):
        try:
            organisation = Organisation.objects.get(pk=int(options["organisation"]))
        except (ValueError, Organisation.DoesNotExist):
            self.fail(f"Organisatie {options['organisation']} bestaat niet.")
        data = {name: options[name] for name in OPTION_NAMES}
        try:
            user = appoint_admin(COMMAND_LINE, organisation, data)
        except ValidationError as exc:
            self.fail_validation(exc, OPTION_NAMES)
        self.stdout.write(
            f"Gebruikersbeheerder aangemaakt voor {organisation}; uitnodiging verstuurd naar "
            f"{user.email}."
        )
        self.stdout.write(user.username)
