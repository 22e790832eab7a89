"""The audit actions of the webservice: every authenticated call, refused keys, limits reached."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import Group, register

register(
    "webservice.call",
    _("Webservice aangeroepen"),
    Group.WEBSERVICE,
    details={
        "method": _("methode"),
        "route": _("adres"),
        "status": _("status"),
        "key": _("sleutel"),
        "problem": _("probleem"),
    },
)
register(
    "webservice.refused",
    _("Webservicesleutel geweigerd"),
    Group.WEBSERVICE,
    details={
        "reason": _("reden"),
        "prefix": _("sleutel begint met"),
        "method": _("methode"),
        "path": _("adres"),
        "suppressed": _("eerdere weigeringen niet apart gelogd"),
    },
)
register(
    "webservice.throttled",
    _("Limiet van webservice-koppeling bereikt"),
    Group.WEBSERVICE,
    details={"limit": _("limiet"), "window": _("venster (seconden)")},
)
