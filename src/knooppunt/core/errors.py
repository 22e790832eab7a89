"""The portal's error pages. They render without the database: when it cannot be reached, the
session and the logged-in user cannot be loaded either, so these pages use no context processor
(the menu needs the user) and read nothing from it.

A database that cannot be reached is a 503 with Retry-After, in the form the path asks for:
an HTML page, or RFC 9457 problem details under /api/ (`unavailable_responder` adds others).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .outage import database_unavailable

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60

Responder = Callable[[HttpRequest, str], HttpResponse]
# Path prefix -> how a 503 looks there; the longest matching prefix wins.
_UNAVAILABLE: dict[str, Responder] = {}


def unavailable_responder(prefix: str) -> Callable[[Responder], Responder]:
    """Register how the 'temporarily unavailable' answer looks under a path prefix."""

    def register(func: Responder) -> Responder:
        _UNAVAILABLE[prefix] = func
        return func

    return register


def unavailable_message() -> str:
    return _("Knooppunt is tijdelijk niet bereikbaar, probeer het over een minuut opnieuw")


@unavailable_responder("/")
def _html_unavailable(request: HttpRequest, message: str) -> HttpResponse:
    return HttpResponse(render_to_string("core/503.html", {"message": message}), status=503)


@unavailable_responder("/api/")
def _problem_unavailable(request: HttpRequest, message: str) -> HttpResponse:
    return JsonResponse(
        {"type": "about:blank", "title": "Service Unavailable", "status": 503, "detail": message},
        status=503,
        content_type="application/problem+json",
    )


def service_unavailable(request: HttpRequest) -> HttpResponse:
    prefix = max((p for p in _UNAVAILABLE if request.path.startswith(p)), key=len)
    response = _UNAVAILABLE[prefix](request, unavailable_message())
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def not_found(request, exception=None):
    # With the menu: the database is there (a 404 of a page that needed it and found it gone
    # ends in server_error below, which answers 503).
    return render(request, "core/404.html", status=404)


def server_error(request):
    """Django's handler500, called inside the handler of the exception."""
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    return HttpResponse(render_to_string("core/500.html"), status=500)
