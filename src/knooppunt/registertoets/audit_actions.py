"""The audit actions of the Wlz register. A lookup's BSN is never in the audit trail: the
lookup log (models.Raadpleging) holds it, and the trail holds the digest of that log's rows."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import BelongsTo, Group, register

register(
    "registertoets.raadpleging",
    _("Wlz-register geraadpleegd"),
    Group.PRODUCTS,
    details={
        "kanaal": _("kanaal"),
        "reden": _("reden"),
        "uitkomst": _("uitkomst"),
        "aantal": _("aantal"),
        "ja": _("ja"),
    },
)
register(
    "registertoets.bulk_upload",
    _("Bestand voor de registertoets aangeboden"),
    Group.PRODUCTS,
    details={"rows": _("regels"), "reden": _("reden")},
)
register(
    "registertoets.bulk_download",
    _("Resultaat van de registertoets gedownload"),
    Group.PRODUCTS,
    details={"rows": _("regels")},
)
register(
    "registertoets.bulk_purge",
    _("Resultaten van de registertoets verwijderd"),
    Group.PRODUCTS,
    details={"count": _("aantal")},
)
register(
    "registertoets.import_upload",
    _("Import van het Wlz-register aangeboden"),
    Group.CONSOLE,
    belongs_to=BelongsTo.OPERATOR,
    details={"filename": _("bestand"), "mode": _("soort")},
)
register(
    "registertoets.import",
    _("Wlz-register geïmporteerd"),
    Group.CONSOLE,
    belongs_to=BelongsTo.OPERATOR,
    details={
        "mode": _("soort"),
        "rows": _("regels"),
        "clients_new": _("nieuwe cliënten"),
        "indications_new": _("nieuwe indicaties"),
        "indications_updated": _("bijgewerkte indicaties"),
        "indications_removed": _("verwijderde indicaties"),
    },
)
register(
    "registertoets.import_refused",
    _("Import van het Wlz-register geweigerd"),
    Group.CONSOLE,
    belongs_to=BelongsTo.OPERATOR,
    details={"mode": _("soort"), "errors": _("foute regels")},
)
register(
    "registertoets.generate",
    _("Synthetisch Wlz-register aangemaakt"),
    Group.CONSOLE,
    belongs_to=BelongsTo.OPERATOR,
    details={"clients": _("cliënten"), "indications": _("indicaties")},
)
register(
    "registertoets.inzage",
    _("Raadplegingen van een BSN opgezocht"),
    Group.CONSOLE,
    belongs_to=BelongsTo.OPERATOR,
    personal=("bsn_hash",),
    details={"found": _("gevonden"), "export": _("inzageverslag")},
)
register(
    "registertoets.log_purge",
    _("Oude raadplegingen opgeschoond"),
    Group.CONSOLE,
    belongs_to=BelongsTo.OPERATOR,
    details={"count": _("aantal"), "before": _("ouder dan")},
)
