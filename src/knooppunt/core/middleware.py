"""The agreements gate of SPEC 2: until every required agreement is registered as signed, a user
of the organisation sees only the page that names the missing ones."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation

from knooppunt.access import rules
from knooppunt.core.http import is_open_path

# Paths that stay reachable behind the gate: leaving, switching language, static files, and
# the statements linked from every page's footer.
ALWAYS_OPEN = (
    "accounts:logout",
    "accounts:password_change",
    "accounts:keepalive",
    "set_language",
    "core:privacy",
    "core:accessibility",
)


class AgreementsGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        gated = (
            user.is_authenticated and user.is_active and not is_open_path(request.path, ALWAYS_OPEN)
        )
        if gated and not rules.can(user, "portal.use"):
            # The menu is left out (gated): every entry would lead back to this page.
            return render(
                request,
                "core/agreements_missing.html",
                {"missing": user.organisation.missing_agreements(), "gated": True},
                status=403,
            )
        return self.get_response(request)


class DutchFirstLocaleMiddleware:
    """Dutch unless the visitor chose another language with the language switch (cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language
    browser would get an English portal; the manuals' Dutch wording comes first here.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response
