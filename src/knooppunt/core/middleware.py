"""The agreements gate of SPEC 2: until every required agreement is registered as signed, a user
of the organisation sees only the page that names the missing ones."""

from django.shortcuts import render
from django.urls import reverse

from knooppunt.access import rules

# Paths that stay reachable behind the gate: leaving, switching language, static files.
ALWAYS_OPEN = ("accounts:logout", "accounts:password_change", "accounts:keepalive", "set_language")


class AgreementsGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def __call__(self, request):
        user = request.user
        gated = user.is_authenticated and user.is_active and not self._is_open(request.path)
        if gated and not rules.can(user, "portal.use"):
            return render(
                request,
                "core/agreements_missing.html",
                {"missing": user.organisation.missing_agreements()},
                status=403,
            )
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        if self._open_paths is None:
            self._open_paths = tuple(reverse(name) for name in ALWAYS_OPEN)
        return path in self._open_paths or path.startswith("/static/")
