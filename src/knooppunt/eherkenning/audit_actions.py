"""The audit actions of eHerkenning: brokers, logins, first-login registration, branches."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import BelongsTo, Group, register

# What the broker asserted: the company and a pseudonym of the person (personal data).
_ASSERTED = {
    "broker": _("makelaar"),
    "acr": _("betrouwbaarheidsniveau"),
    "kvk": _("KvK-nummer"),
    "vestigingsnummer": _("vestigingsnummer"),
    "result": _("vervolg"),
    "status": _("status"),
}
_PERSONAL = ("pseudo_id",)

register(
    "eherkenning.broker_create",
    _("eHerkenningmakelaar toegevoegd"),
    Group.CONSOLE,
    belongs_to=BelongsTo.OPERATOR,
    details={
        "issuer": _("issuer"),
        "client_id": _("client-id"),
        "active": _("actief"),
        "claims": _("claims"),
    },
)
register(
    "eherkenning.broker_change",
    _("eHerkenningmakelaar gewijzigd"),
    Group.CONSOLE,
    belongs_to=BelongsTo.OPERATOR,
    details={"fields": _("velden")},
)
register(
    "eherkenning.broker_refresh",
    _("Verbinding met eHerkenningmakelaar getest"),
    Group.CONSOLE,
    belongs_to=BelongsTo.OPERATOR,
    details={"error": _("fout")},
)
register(
    "eherkenning.login",
    _("Ingelogd met eHerkenning"),
    Group.LOGIN,
    personal=_PERSONAL,
    details=_ASSERTED,
)
register(
    "eherkenning.login_failed",
    _("Inloggen met eHerkenning mislukt"),
    Group.LOGIN,
    details={"reason": _("reden"), "broker": _("makelaar"), "error": _("fout")},
)
register(
    "eherkenning.token_refused",
    _("Antwoord van eHerkenningmakelaar geweigerd"),
    Group.LOGIN,
    details={"reason": _("reden"), "broker": _("makelaar"), "error": _("fout")},
)
register(
    "eherkenning.level_refused",
    _("Inloggen met eHerkenning geweigerd: niveau te laag"),
    Group.LOGIN,
    personal=_PERSONAL,
    details=_ASSERTED,
)
register(
    "eherkenning.unknown_company",
    _("Inloggen met eHerkenning geweigerd: onbekende organisatie"),
    Group.LOGIN,
    belongs_to=BelongsTo.OPERATOR,
    personal=_PERSONAL,
    details=_ASSERTED,
)
register(
    "eherkenning.account_refused",
    _("Inloggen met eHerkenning geweigerd: account niet actief"),
    Group.LOGIN,
    personal=_PERSONAL,
    details=_ASSERTED,
)
register(
    "eherkenning.registration",
    _("Aangemeld via eHerkenning"),
    Group.USERS,
    details={"code_via": _("code via")},
)
register(
    "eherkenning.verification",
    _("Verificatiecode ingevuld"),
    Group.USERS,
    details={"attempt": _("poging"), "blocked": _("geblokkeerd")},
)
register("eherkenning.code_renewed", _("Nieuwe verificatiecode aangemaakt"), Group.USERS)
register(
    "organisation.vestiging",
    _("Vestigingsnummer vastgelegd"),
    Group.ORGANISATION,
    details={"vestigingsnummer": _("vestigingsnummer")},
)
register(
    "organisation.vestiging_delete",
    _("Vestigingsnummer verwijderd"),
    Group.ORGANISATION,
    details={"vestigingsnummer": _("vestigingsnummer")},
)
