"""The agreements gate of SPEC 2: until every required agreement is registered as signed, a user
of the organisation sees only the page that names the missing ones."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation

from knooppunt.access import rules
from knooppunt.core.delivery import DeliveryFailed
from knooppunt.core.errors import RETRY_AFTER_SECONDS
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
            from knooppunt.audit.refusals import record_refusal

            record_refusal(request, action="portal.use", asked="", kind="gate")
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


class RefusalAuditMiddleware:
    """Every refusal of the authorisation module (rules.AccessRefused, answered as a 404) is
    audited, rate-limited (audit.refusals)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, rules.AccessRefused):
            from knooppunt.audit.refusals import record_refusal

            record_refusal(request, action=exception.action, asked=exception.asked, kind="404")
        return None


class DeliveryFailureMiddleware:
    """A message a request had to send now could not go out: say so, and when to try again,
    instead of a 500. (The login code is sent after its service's commit and a failure is
    shown on the code page itself; this catches any other immediate delivery.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DeliveryFailed):
            return None
        response = render(
            request,
            "core/delivery_failed.html",
            {"channel": exception.channel, "retry_minutes": 1},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
