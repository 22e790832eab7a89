"""The audit actions of organisations, their e-mail domains, agreements and change requests."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import Group, register

register(
    "organisation.create",
    _("Organisatie aangemaakt"),
    Group.ORGANISATION,
    details={"products": _("producten"), "domains": _("e-maildomeinen")},
)
register(
    "organisation.change",
    _("Organisatie gewijzigd"),
    Group.ORGANISATION,
    details={"fields": _("velden")},
)
register(
    "organisation.domain_add",
    _("E-maildomein toegevoegd"),
    Group.ORGANISATION,
    details={"domain": _("domein")},
)
register(
    "organisation.domain_remove",
    _("E-maildomein verwijderd"),
    Group.ORGANISATION,
    details={"domain": _("domein")},
)
register("organisation.change_request", _("Wijzigingsverzoek ingediend"), Group.ORGANISATION)
register(
    "organisation.change_request_handled", _("Wijzigingsverzoek afgehandeld"), Group.ORGANISATION
)
register(
    "agreement.register",
    _("Overeenkomst geregistreerd"),
    Group.ORGANISATION,
    details={"kind": _("overeenkomst"), "signed_on": _("getekend op")},
)
