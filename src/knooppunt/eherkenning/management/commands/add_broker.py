from django.core.exceptions import ValidationError

from knooppunt.access.principals import COMMAND_LINE
from knooppunt.eherkenning.services import create_broker
from knooppunt.operators.management.commands._base import OperatorCommand

OPTION_NAMES = {
    "naam": "--naam",
    "issuer": "--issuer",
    "client_id": "--client-id",
    "client_secret": "--client-secret",
    "kvk_claim": "--kvk-claim",
    "vestigingsnummer_claim": "--vestigingsnummer-claim",
    "pseudo_id_claim": "--pseudoniem-claim",
    "__all__": "makelaar",
}


CLAIM_OPTIONS = {
    "kvk": "--kvk-claim",
    "vestigingsnummer": "--vestigingsnummer-claim",
    "pseudo_id": "--pseudoniem-claim",
}
CLAIM_HELP = {
    "kvk": "het KvK-nummer",
    "vestigingsnummer": "het vestigingsnummer",
    "pseudo_id": "het pseudoniem",
}


class Command(OperatorCommand):
    help = (
        "Voegt een eHerkenningmakelaar (OpenID Connect) toe en drukt als laatste regel het id "
        "van de makelaar af."
    )

    def add_arguments(self, parser):
        parser.add_argument("--naam", required=True, help="naam zoals de gebruiker hem ziet")
        parser.add_argument("--issuer", required=True, help="issuer- of discovery-adres")
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument(
            "--inactief", action="store_true", help="toevoegen, maar nog niet te kiezen"
        )
        for ours, option in CLAIM_OPTIONS.items():
            parser.add_argument(
                option,
                dest=ours,
                metavar="NAAM",
                help=f"naam van de claim met {CLAIM_HELP[ours]} (standaard: {ours})",
            )

    def handle(self, *args, **options):
        try:
            broker = create_broker(
                COMMAND_LINE,
                naam=options["naam"],
                issuer=options["issuer"],
                client_id=options["client_id"],
                client_secret=options["client_secret"],
                active=not options["inactief"],
                claim_names={
                    ours: options[ours] for ours in CLAIM_OPTIONS if options[ours] is not None
                },
            )
        except ValidationError as exc:
            self.fail_validation(exc, OPTION_NAMES)
        self.stdout.write(f"eHerkenningmakelaar '{broker.naam}' toegevoegd ({broker.issuer}).")
        self.stdout.write(str(broker.pk))
