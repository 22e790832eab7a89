from django.core.exceptions import ValidationError

from knooppunt.access.models import ProductCode
from knooppunt.access.principals import COMMAND_LINE
from knooppunt.operators.services import create_organisation
from knooppunt.organisations.models import OrganisationType, Profile

from ._base import OperatorCommand

OPTION_NAMES = {
    "agb_code": "--agb",
    "gemeentecode": "--gemeentecode",
    "kvk_nummer": "--kvk",
    "naam": "--naam",
    "woonplaats": "--woonplaats",
    "domain": "--domain",
    "products": "--product",
    "__all__": "organisatie",
}


class Command(OperatorCommand):
    help = "Maakt een organisatie aan en drukt als laatste regel haar id af."

    def add_arguments(self, parser):
        parser.add_argument("--type", required=True, choices=OrganisationType.values)
        parser.add_argument("--naam", required=True)
        parser.add_argument("--agb", default="")
        parser.add_argument("--gemeentecode", default="")
        parser.add_argument("--kvk", default="")
        parser.add_argument("--woonplaats", default="")
        parser.add_argument("--domain", action="append", default=[])
        parser.add_argument("--product", action="append", default=[], choices=ProductCode.values)
        parser.add_argument("--profile", choices=Profile.values, default=Profile.BASIS)
        parser.add_argument("--agreements-signed", action="store_true")

    def handle(self, *args, **options):
        if not options["naam"].strip():
            self.fail("--naam mag niet leeg zijn.")
        try:
            organisation = create_organisation(
                COMMAND_LINE,
                type=options["type"],
                naam=options["naam"].strip(),
                agb_code=options["agb"],
                gemeentecode=options["gemeentecode"],
                kvk_nummer=options["kvk"],
                woonplaats=options["woonplaats"],
                profile=options["profile"],
                domains=options["domain"],
                products=options["product"],
                agreements_signed=options["agreements_signed"],
                login_eherkenning=options["type"] == OrganisationType.GEMEENTE,
            )
        except ValidationError as exc:
            self.fail_validation(exc, OPTION_NAMES)
        self.stdout.write(f"Organisatie '{organisation.naam}' aangemaakt.")
        self.stdout.write(str(organisation.pk))
