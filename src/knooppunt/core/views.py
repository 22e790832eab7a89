from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from knooppunt.access import rules


@login_required
def welcome(request):
    """Dashboard ("Welkom")."""
    return render(
        request,
        "core/welcome.html",
        {"can_manage_users": rules.can(request.user, "usermanagement.access")},
    )


def csrf_failure(request, reason=""):
    return render(request, "core/csrf_failure.html", status=403)
