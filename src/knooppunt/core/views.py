from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from knooppunt.core.registry import tiles_for


@login_required
def welcome(request):
    """Dashboard ("Welkom"): the tiles the apps registered (core.registry) that this user sees,
    such as the administrator's tab "Gebruikersbeheer" (BIDN 3.1)."""
    return render(request, "core/welcome.html", {"tiles": tiles_for(request)})


def csrf_failure(request, reason=""):
    return render(request, "core/csrf_failure.html", status=403)
