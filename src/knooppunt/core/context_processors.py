import re
from functools import cache
from importlib import metadata

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from knooppunt.core.registry import menu_for

# The frame's own links; the apps' menu entries come from core.registry.
MENU = {
    "welcome": "core:welcome",
    "profile": "accounts:profile",
    "logout": "accounts:logout",
    "language": "set_language",
    "keepalive": "accounts:keepalive",
}


@cache
def menu_urls() -> dict[str, str]:
    """The header's links, reversed once per process rather than on every page: they are the
    same for everyone. A page that does not exist (yet) gets '' and its menu item is left out."""
    urls = {}
    for key, name in MENU.items():
        try:
            urls[key] = reverse(name)
        except NoReverseMatch:
            urls[key] = ""
    return urls


def navigation(request):
    """The header's links; which of the apps' entries show is the authorisation module's
    decision (core.registry.menu_for)."""
    return {"menu": menu_urls(), "menu_entries": menu_for(request)}


@cache
def _version() -> str:
    try:
        return metadata.version("knooppunt")
    except metadata.PackageNotFoundError:
        return "0"


def site(request):
    """The footer's facts: the servicedesk (configurable), the statements and the version."""
    phone = settings.KNOOPPUNT_SERVICEDESK_PHONE
    return {
        "site": {
            "servicedesk_name": settings.KNOOPPUNT_SERVICEDESK_NAME or _("servicedesk"),
            "servicedesk_phone": phone,
            "servicedesk_phone_link": re.sub(r"[^0-9+]", "", phone),
            "servicedesk_hours": settings.KNOOPPUNT_SERVICEDESK_HOURS
            or _("op werkdagen tussen 08.30 en 17.00 uur"),
            "servicedesk_email": settings.KNOOPPUNT_SERVICEDESK_EMAIL,
            "privacy_url": _url("core:privacy"),
            "accessibility_url": _url("core:accessibility"),
            "version": _version(),
        }
    }


@cache
def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""
