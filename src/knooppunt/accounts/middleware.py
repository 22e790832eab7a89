"""Session rules of SPEC 5.3 and the forced password change of SPEC 5.1.

Both read only what the database-backed session already holds, so a request costs no extra
query for them; the session is written at most every SEEN_GRANULARITY seconds.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from knooppunt.core.http import is_open_path

from .login import AUTH_AT, SEEN
from .passwords import password_expired

SEEN_GRANULARITY = 30  # seconds; the idle clock is this precise, and saves that much writing


class SessionSecurityMiddleware:
    """Log out after the idle timeout and after the absolute maximum, and say why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            seen, started = session.get(SEEN), session.get(AUTH_AT)
            if seen is not None and now - seen > settings.KNOOPPUNT_SESSION_IDLE_SECONDS:
                return self._end(request, "idle")
            if started is not None and now - started > settings.SESSION_COOKIE_AGE:
                return self._end(request, "maximum")
            if seen is None or now - seen >= SEEN_GRANULARITY:
                session[SEEN] = seen = now
            if started is None:
                session[AUTH_AT] = now
            # For the warning before the idle timeout (templates/base.html, static/js/sessie.js).
            request.session_timeout = {
                "seconds_left": settings.KNOOPPUNT_SESSION_IDLE_SECONDS - (now - seen),
                "warn_before": settings.KNOOPPUNT_SESSION_WARNING_SECONDS,
                "idle_seconds": settings.KNOOPPUNT_SESSION_IDLE_SECONDS,
                "idle_minutes": settings.KNOOPPUNT_SESSION_IDLE_SECONDS // 60,
                "warn_minutes": max(1, settings.KNOOPPUNT_SESSION_WARNING_SECONDS // 60),
            }
        return self.get_response(request)

    def _end(self, request, reason: str):
        from .login import end_session

        end_session(request, reason)
        if reason == "idle":
            minutes = settings.KNOOPPUNT_SESSION_IDLE_SECONDS // 60
            text = _(
                "U bent automatisch uitgelogd omdat u %(minutes)d minuten niet actief bent "
                "geweest. Log opnieuw in."
            ) % {"minutes": minutes}
        else:
            hours = settings.SESSION_COOKIE_AGE // 3600
            text = _(
                "U bent automatisch uitgelogd omdat u langer dan %(hours)d uur was ingelogd. "
                "Log opnieuw in."
            ) % {"hours": hours}
        messages.info(request, text)
        login_url = reverse("accounts:login")
        if request.method == "GET":
            login_url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(login_url)


# Pages a user with an expired password may still open.
OPEN_WITH_EXPIRED_PASSWORD = ("accounts:password_change", "accounts:logout", "set_language")


class PasswordExpiryMiddleware:
    """An expired password must be changed before any other page (SPEC 5.1)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if SESSION_KEY in request.session and not is_open_path(
            request.path, OPEN_WITH_EXPIRED_PASSWORD
        ):
            user = request.user
            if user.is_authenticated and password_expired(user):
                return redirect("accounts:password_change")
        return self.get_response(request)
