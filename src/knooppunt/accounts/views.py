"""Login, logout, 'Wachtwoord aanvragen' and 'Nieuw wachtwoord instellen'."""

from django.contrib.auth import authenticate, get_user_model, login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from knooppunt.audit.models import Outcome
from knooppunt.audit.services import record

from . import passwords
from .forms import LoginForm, PasswordRequestForm, SetPasswordForm
from .models import Status

User = get_user_model()


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:welcome")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is not None:
            login(request, user)  # a new session id at login
            record("login.success", actor=user, request=request, target=user)
            return redirect(_safe_next(request) or "core:welcome")
        record(
            "login.failed", request=request, outcome=Outcome.FAILURE, actor_username=username[:150]
        )
        form.add_error(None, _("De combinatie van gebruikersnaam en wachtwoord is onjuist."))
    return render(request, "accounts/login.html", {"form": form})


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record("logout", actor=request.user, request=request, target=request.user)
    logout(request)
    return redirect("accounts:login")


@never_cache
def password_request(request):
    """Always the same receipt, so the answer never tells whether a login name exists."""
    form = PasswordRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username).select_related("organisation").first()
        if user is not None and user.status == Status.ACTIVE and user.email:
            passwords.send_reset(user)
            record("password.reset_requested", actor=user, request=request, target=user)
        return render(request, "accounts/password_request_done.html")
    return render(request, "accounts/password_request.html", {"form": form})


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
def set_password(request, token):
    link = passwords.find_link(token)
    if link is None:
        return render(request, "accounts/link_invalid.html", status=410)
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = passwords.use_link(token, form.cleaned_data["new_password1"], request=request)
        if user is None:  # used by a concurrent submission a moment ago
            return render(request, "accounts/link_invalid.html", status=410)
        return render(request, "accounts/set_password_done.html", {"username": user.username})
    return render(request, "accounts/set_password.html", {"form": form, "link_user": link.user})
