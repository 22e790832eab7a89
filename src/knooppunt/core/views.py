import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from knooppunt.core.registry import tiles_for

from . import statements


@login_required
def welcome(request):
    """Dashboard ("Welkom"): the tiles the apps registered (core.registry) that this user sees,
    such as the administrator's tab "Gebruikersbeheer" (BIDN 3.1)."""
    return render(request, "core/welcome.html", {"tiles": tiles_for(request)})


def csrf_failure(request, reason=""):
    return render(request, "core/csrf_failure.html", status=403)


def privacy(request):
    """The privacy statement, open to everyone (linked from every page's footer)."""
    return render(
        request,
        "core/privacy.html",
        {
            "blocks": statements.read(settings.KNOOPPUNT_PRIVACY_STATEMENT_FILE),
            "owner": settings.KNOOPPUNT_PORTAL_OWNER,
        },
    )


def accessibility(request):
    """The toegankelijkheidsverklaring that the Besluit digitale toegankelijkheid overheid asks
    of every government website (WCAG 2.1 AA)."""
    try:
        made_on = datetime.date.fromisoformat(settings.KNOOPPUNT_ACCESSIBILITY_STATEMENT_DATE)
    except ValueError:
        made_on = None
    return render(
        request,
        "core/accessibility.html",
        {
            "blocks": statements.read(settings.KNOOPPUNT_ACCESSIBILITY_STATEMENT_FILE),
            "owner": settings.KNOOPPUNT_PORTAL_OWNER,
            "made_on": made_on,
        },
    )
