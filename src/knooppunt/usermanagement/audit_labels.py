"""Dutch names of the audit actions, for the "Logboek" page and its CSV export."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "user.create": _("Gebruiker aangemaakt"),
    "user.change": _("Gebruiker gewijzigd"),
    "user.approve": _("Gebruiker goedgekeurd"),
    "user.set_administrator": _("Recht gebruikersbeheerder gewijzigd"),
    "user.appoint_admin": _("Gebruikersbeheerder benoemd"),
    "user.deactivate": _("Gebruiker gedeactiveerd"),
    "user.reactivate": _("Gebruiker geactiveerd"),
    "user.delete": _("Gebruiker verwijderd"),
    "user.purge": _("Verwijderde gebruiker opgeschoond"),
    "user.import": _("Gebruikers geïmporteerd"),
    "user.export": _("Gebruikerslijst geëxporteerd"),
    "role.grant": _("Rol toegekend"),
    "role.revoke": _("Rol ingetrokken"),
    "role.restore": _("Rollen hersteld"),
    "login.success": _("Ingelogd"),
    "login.failed": _("Inloggen mislukt"),
    "logout": _("Uitgelogd"),
    "password.set": _("Wachtwoord ingesteld"),
    "password.reset": _("Wachtwoord opnieuw ingesteld"),
    "password.reset_requested": _("Wachtwoord aangevraagd"),
    "organisation.create": _("Organisatie aangemaakt"),
    "organisation.change": _("Organisatie gewijzigd"),
    "organisation.domain": _("E-maildomein gewijzigd"),
    "organisation.change_request": _("Wijzigingsverzoek ingediend"),
    "organisation.change_request_handled": _("Wijzigingsverzoek afgehandeld"),
    "agreement.register": _("Overeenkomst geregistreerd"),
    "audit.export": _("Logboek geëxporteerd"),
}


def label(action: str) -> str:
    """The Dutch name; actions of other apps (SCIM tokens, ...) by their registered label."""
    from knooppunt.audit import registry

    return str(ACTIONS.get(action) or registry.label(action))


def describe(details: dict) -> str:
    """A short, readable rendering of an event's details."""
    if not details:
        return ""
    parts = []
    for key, value in details.items():
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value) or "—"
        elif value is None:
            value = "—"
        elif value is True:
            value = "ja"
        elif value is False:
            value = "nee"
        parts.append(f"{key}: {value}")
    return "; ".join(parts)
