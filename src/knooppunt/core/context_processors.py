from functools import cache

from django.urls import NoReverseMatch, reverse

from knooppunt.access import rules

MENU = {
    "welcome": "core:welcome",
    "users": "usermanagement:user_list",
    "organisation": "organisations:detail",
    "operator": "operator:index",
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
    """Which menu items the header shows; the decisions come from the authorisation module."""
    context = {"menu": menu_urls()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["nav_usermanagement"] = rules.can(user, "usermanagement.access")
        context["nav_operator"] = rules.can(user, "operator.console")
    return context
