"""The audit actions of "Aanmelden gebruikersbeheerder": the request, the refusals of too many
requests from one address, the operator reading a document, accepting and rejecting."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import BelongsTo, Group, register

_REQUEST = {
    "naam": _("organisatie"),
    "kvk_nummer": _("KvK-nummer"),
    "documents": _("overeenkomsten"),
}

register(
    "aanmelding.submit",
    _("Aanmelding gebruikersbeheerder ingediend"),
    Group.ORGANISATION,
    belongs_to=BelongsTo.OPERATOR,
    details=_REQUEST,
)
register(
    "aanmelding.limited",
    _("Aanmelding geweigerd: te veel aanmeldingen vanaf dit adres"),
    Group.ORGANISATION,
    belongs_to=BelongsTo.OPERATOR,
    details={"recent": _("aanmeldingen in 24 uur")},
)
register(
    "aanmelding.document",
    _("Overeenkomst van een aanmelding ingezien"),
    Group.CONSOLE,
    belongs_to=BelongsTo.OPERATOR,
    details={"kind": _("overeenkomst")},
)
register(
    "aanmelding.accept",
    _("Aanmelding gebruikersbeheerder geaccepteerd"),
    Group.ORGANISATION,
    details={
        "new_organisation": _("nieuwe organisatie"),
        "administrator": _("gebruikersbeheerder"),
    },
)
register(
    "aanmelding.reject",
    _("Aanmelding gebruikersbeheerder afgewezen"),
    Group.ORGANISATION,
    belongs_to=BelongsTo.OPERATOR,
    personal=("reason",),
    details={"reason": _("reden")},
)
