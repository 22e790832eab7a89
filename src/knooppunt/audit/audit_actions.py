"""The audit actions about the audit trail itself."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import Group, register

register("audit.export", _("Logboek geëxporteerd"), Group.AUDIT)
register(
    "access.refused",
    _("Toegang geweigerd"),
    Group.AUDIT,
    details={
        "kind": _("soort"),
        "rule": _("regel"),
        "asked": _("gevraagd object"),
        "url_name": _("pagina"),
        "path": _("adres"),
    },
)
