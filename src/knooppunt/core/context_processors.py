from functools import cache

from django.urls import NoReverseMatch, reverse

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
