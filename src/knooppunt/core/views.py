from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from knooppunt.access import rules
from knooppunt.eherkenning.selectors import awaiting_approval


@login_required
def welcome(request):
    """Dashboard ("Welkom"); administrators get the tab "Gebruikersbeheer" (BIDN 3.1)."""
    can_manage_users = rules.can(request.user, "usermanagement.access")
    return render(
        request,
        "core/welcome.html",
        {
            "can_manage_users": can_manage_users,
            "pending_users": awaiting_approval(request.user) if can_manage_users else [],
        },
    )


def csrf_failure(request, reason=""):
    return render(request, "core/csrf_failure.html", status=403)
