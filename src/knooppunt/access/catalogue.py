"""The fixed reference data: the four products and the agreements each organisation type signs.
Created by data migrations; `ensure_catalogue()` restores it after a test database flush."""

PRODUCTS = [
    # code, naam, has_productbeheerder, volgorde
    ("iwmo", "iWmo", True, 1),
    ("ijw", "iJw", True, 2),
    ("wlz-registertoets", "Wlz-Registertoets", True, 3),
    ("wlz-aanvragen", "Wlz-aanvragen", False, 4),
]

# SPEC 2 / BIDN 1: a gemeente signs with the portal owner and with VECOZO.
AGREEMENT_KINDS = [
    # code, naam, organisation type, volgorde
    ("gemeente-aansluiting", "Aansluitings- en bewerkersovereenkomst", "gemeente", 1),
    ("gemeente-vecozo", "Bewerkersovereenkomst VECOZO", "gemeente", 2),
    ("zorgaanbieder-aansluiting", "Aansluitovereenkomst", "zorgaanbieder", 1),
    ("zorgaanbieder-verwerker", "Verwerkersovereenkomst", "zorgaanbieder", 2),
]


def ensure_products(Product) -> None:
    for code, naam, has_pb, volgorde in PRODUCTS:
        Product.objects.update_or_create(
            code=code, defaults={"naam": naam, "has_productbeheerder": has_pb, "volgorde": volgorde}
        )


def ensure_agreement_kinds(AgreementKind) -> None:
    for code, naam, org_type, volgorde in AGREEMENT_KINDS:
        AgreementKind.objects.update_or_create(
            code=code, defaults={"naam": naam, "organisation_type": org_type, "volgorde": volgorde}
        )


def ensure_catalogue() -> None:
    from knooppunt.access.models import Product
    from knooppunt.organisations.models import AgreementKind

    ensure_products(Product)
    ensure_agreement_kinds(AgreementKind)
