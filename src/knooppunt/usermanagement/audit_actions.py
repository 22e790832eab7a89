"""The audit actions of the administrator's user management."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import Group, register

register("user.change", _("Gebruiker gewijzigd"), Group.USERS, details={"fields": _("velden")})
register("user.approve", _("Gebruiker goedgekeurd"), Group.USERS)


def _administrator_right(details: dict) -> str:
    if "is_administrator" not in details:
        return ""
    return str(_("recht gegeven") if details["is_administrator"] else _("recht ingetrokken"))


register(
    "user.set_administrator",
    _("Recht gebruikersbeheerder gewijzigd"),
    Group.USERS,
    details={"is_administrator": _("gebruikersbeheerder")},
    describe=_administrator_right,
)
register("user.appoint_admin", _("Gebruikersbeheerder benoemd"), Group.USERS)
register(
    "user.deactivate",
    _("Gebruiker gedeactiveerd"),
    Group.USERS,
    details={"until": _("tot"), "roles": _("rollen op inactief")},
)
register(
    "user.reactivate",
    _("Gebruiker geactiveerd"),
    Group.USERS,
    details={"restored_roles": _("rollen hersteld")},
)
register(
    "user.delete",
    _("Gebruiker verwijderd"),
    Group.USERS,
    personal=("reason",),
    details={"reason": _("reden"), "erased": _("gewist")},
)
register(
    "user.purge",
    _("Verwijderde gebruiker opgeschoond"),
    Group.USERS,
    details={"deleted_at": _("verwijderd op")},
)
register(
    "user.import",
    _("Gebruikers geïmporteerd"),
    Group.USERS,
    details={
        "rows": _("regels"),
        "imported": _("geïmporteerd"),
        "refused": _("geweigerd"),
        "valid_only": _("alleen geldige regels"),
    },
)
register("user.export", _("Gebruikerslijst geëxporteerd"), Group.USERS)
register("user.resend_invitation", _("Uitnodiging opnieuw verstuurd"), Group.USERS)
