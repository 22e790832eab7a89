"""What each role allows, per product: the line next to each role checkbox, the "Organisatie"
page's explanation and the product tiles on "Welkom" (BIDN 3.2, SPEC 4.1)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from knooppunt.access.models import ProductCode, Role

_SETTINGS = _(
    "Stelt de (webservice)instellingen van het product in. Let op: kan geen raadplegingen doen "
    "en geen bestanden uploaden of downloaden."
)

EXPLANATIONS: dict[tuple[str, str], Promise] = {
    (ProductCode.IWMO, Role.GEBRUIKER): _("Uploaden en downloaden van iWmo-berichten."),
    (ProductCode.IWMO, Role.PRODUCTBEHEERDER): _SETTINGS,
    (ProductCode.IJW, Role.GEBRUIKER): _("Uploaden en downloaden van iJw-berichten."),
    (ProductCode.IJW, Role.PRODUCTBEHEERDER): _SETTINGS,
    (ProductCode.WLZ_REGISTERTOETS, Role.GEBRUIKER): _(
        "Raadplegen van de Wlz-registertoets: heeft een inwoner een geldige Wlz-indicatie?"
    ),
    (ProductCode.WLZ_REGISTERTOETS, Role.PRODUCTBEHEERDER): _SETTINGS,
    (ProductCode.WLZ_AANVRAGEN, Role.GEBRUIKER): _(
        "Wlz-aanvragen indienen en volgen, van de soorten in het profiel van de organisatie."
    ),
}

PRODUCT_SUMMARIES: dict[str, Promise] = {
    ProductCode.IWMO: _("Berichtenverkeer voor de Wmo"),
    ProductCode.IJW: _("Berichtenverkeer voor de Jeugdwet"),
    ProductCode.WLZ_REGISTERTOETS: _("Raadplegen van het Wlz-register"),
    ProductCode.WLZ_AANVRAGEN: _("Wlz-aanvragen bij het CIZ"),
}


def explain(product_code: str, role: str) -> str:
    return str(EXPLANATIONS.get((product_code, role), ""))


def product_roles(products) -> list[dict]:
    """Each product with its summary and what each of its roles may do."""
    return [
        {
            "product": product,
            "summary": PRODUCT_SUMMARIES.get(product.code, ""),
            "roles": [
                {"label": role.label, "explanation": explain(product.code, role.value)}
                for role in product.roles()
            ],
        }
        for product in products
    ]
