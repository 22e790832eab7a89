"""Login (password, then the second factor), logout, password pages and the user's own profile."""

import base64
import io
import time

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticToken

from knooppunt.core.http import local_url

from . import lockout, passwords, services
from . import login as login_flow
from .forms import (
    CodeChannelForm,
    CodeForm,
    ConfirmPasswordForm,
    LoginForm,
    PasswordChangeForm,
    PasswordRequestForm,
    SetPasswordForm,
)
from .models import TOTPDevice

User = get_user_model()

WRONG_COMBINATION = gettext_lazy("De combinatie van gebruikersnaam en wachtwoord is onjuist.")


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    """Step 1: 'Gebruikersnaam', 'Wachtwoord', 'Log on'."""
    if request.user.is_authenticated:
        return redirect("core:welcome")
    form = LoginForm(request.POST or None)
    if request.method == "GET":
        login_flow.cancel(request)  # "Annuleren" and a fresh start both land here
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["username"]
        # The password check (Argon2, the one costly step) runs outside any transaction.
        user = authenticate(request, username=typed, password=form.cleaned_data["password"])
        if user is None:
            if login_flow.refuse_password(request, typed):
                form.add_error(None, lockout.locked_message())
                return render(request, "accounts/login.html", {"form": form}, status=429)
            form.add_error(None, WRONG_COMBINATION)
            return render(request, "accounts/login.html", {"form": form})
        refusal = login_flow.accept_password(request, user, _safe_next(request))
        if refusal is None:
            return redirect("accounts:verify")
        if refusal == login_flow.Refusal.OTHER:
            form.add_error(None, WRONG_COMBINATION)
            return render(request, "accounts/login.html", {"form": form})
        return render(
            request,
            "accounts/login_refused.html",
            {"refusal": refusal.value, "refused_user": user},
            status=403,
        )
    return render(request, "accounts/login.html", {"form": form})


@sensitive_post_parameters("code")
@never_cache
def verify(request):
    """Step 2: TWEE-FACTOR AUTHENTICATIE with the 6-digit 'Verificatiecode'."""
    pending = login_flow.pending(request)
    if pending is None:
        messages.error(request, _("Uw inlogpoging is verlopen. Log opnieuw in."))
        return redirect("accounts:login")
    form = CodeForm(request.POST or None, digits_only=pending.method == "code")
    if request.method == "POST" and form.is_valid():
        verdict, next_url = login_flow.second_step(request, pending, form.cleaned_data["code"])
        if verdict == login_flow.Verdict.OK:
            return _after_login(request, next_url)
        if verdict == login_flow.Verdict.SPENT:
            messages.error(
                request,
                _("Er is te vaak een onjuiste verificatiecode ingevuld. Log opnieuw in."),
            )
            return redirect("accounts:login")
        if verdict == login_flow.Verdict.WAIT:
            form.add_error("code", _("Wacht enkele seconden en probeer het dan opnieuw."))
        else:
            form.add_error(
                "code",
                _("De verificatiecode is onjuist. U kunt het nog %(n)d keer proberen.")
                % {"n": pending.attempts_left},
            )
    channel = pending.state.get("channel", "")
    context = {
        "form": form,
        "method": pending.method,
        "channel": channel,
        "destination": login_flow.mask_destination(pending.user, channel) if channel else "",
        "delivery_failed": pending.state.get("delivery_failed", False),
        "minutes": settings.KNOOPPUNT_LOGIN_CODE_SECONDS // 60,
    }
    return render(request, "accounts/verify.html", context)


@require_POST
def verify_resend(request):
    pending = login_flow.pending(request)
    if pending is None:
        return redirect("accounts:login")
    if pending.method == "code":
        result = login_flow.resend_code(request, pending)
        if result.sent:
            messages.success(request, _("Er is een nieuwe verificatiecode verstuurd."))
        elif result.wait_seconds:
            messages.error(
                request,
                _("U kunt over %(n)d seconden een nieuwe code laten versturen.")
                % {"n": result.wait_seconds},
            )
        else:
            messages.error(
                request,
                _(
                    "Er zijn al te veel codes verstuurd. Annuleer en log opnieuw in, of neem "
                    "contact op met uw beheerder."
                ),
            )
    return redirect("accounts:verify")


@require_POST
def verify_cancel(request):
    """'Annuleren': back to the login screen."""
    login_flow.cancel(request)
    return redirect("accounts:login")


def _after_login(request, next_url: str):
    """After the second factor: the forced change of an expired password comes first (the
    middleware enforces it too), then the warning in the last two weeks, then the page asked for."""
    user = request.user
    if passwords.password_expired(user):
        return redirect("accounts:password_change")
    target = local_url(request, next_url) or ""
    if passwords.password_expires_soon(user):
        request.session["knooppunt_after_warning"] = target
        return redirect("accounts:password_warning")
    return redirect(target or reverse("core:welcome"))


def _safe_next(request) -> str | None:
    return local_url(request, request.POST.get("next") or request.GET.get("next"))


@require_POST
def logout_view(request):
    login_flow.log_out(request)
    return redirect("accounts:login")


@never_cache
def password_request(request):
    """Always the same receipt, so the answer never tells whether a login name exists."""
    form = PasswordRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        passwords.request_password(request, form.cleaned_data["username"])
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
        try:
            user = passwords.use_link(token, form.cleaned_data["new_password1"], request=request)
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            if user is None:  # used by a concurrent submission a moment ago
                return render(request, "accounts/link_invalid.html", status=410)
            return render(request, "accounts/set_password_done.html", {"username": user.username})
    return render(request, "accounts/set_password.html", {"form": form, "link_user": link.user})


# --- password age and change -----------------------------------------------------------------


@login_required
@never_cache
def password_warning(request):
    """'Uw wachtwoord verloopt over N dagen' with 'Wachtwoord wijzigen' and 'Later'."""
    later = request.session.get("knooppunt_after_warning") or "/"
    if not passwords.password_expires_soon(request.user):
        return redirect(later)
    return render(
        request,
        "accounts/password_warning.html",
        {"days_left": passwords.days_left(request.user), "later_url": later},
    )


@login_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
def password_change(request):
    user = request.user
    expired = passwords.password_expired(user)
    form = PasswordChangeForm(user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(request, user, form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            messages.success(request, _("Uw wachtwoord is gewijzigd."))
            later = request.session.pop("knooppunt_after_warning", "") if not expired else ""
            return redirect(later or "core:welcome")
    return render(request, "accounts/password_change.html", {"form": form, "expired": expired})


# --- session ---------------------------------------------------------------------------------


@require_POST
def keepalive(request):
    """'Actief blijven' in the warning before the idle timeout: the request itself is the
    activity (the session middleware notes it)."""
    if request.user.is_authenticated:
        request.session[login_flow.SEEN] = int(time.time())
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    target = request.POST.get("next", "")
    return redirect(local_url(request, target) or reverse("core:welcome"))


# --- Mijn gegevens: the user's own profile and second factors ---------------------------------


@login_required
@never_cache
def profile(request):
    user = request.user
    form = CodeChannelForm(request.POST or None, initial={"code_channel": user.code_channel})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_code_channel(request, user, form.cleaned_data["code_channel"])
        except ValidationError as exc:
            form.add_error("code_channel", exc.message_dict["code_channel"])
        else:
            messages.success(request, _("Uw keuze is opgeslagen."))
            return redirect("accounts:profile")
    authenticator = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    recovery_left = StaticToken.objects.filter(device__user=user).count() if authenticator else 0
    context = {
        "form": form,
        "authenticator": authenticator,
        "recovery_left": recovery_left,
        "channel_now": login_flow.channel_for(user),
        "password_days_left": passwords.days_left(user),
    }
    return render(request, "accounts/profile.html", context)


SETUP_DEVICE = "knooppunt_totp_setup"


@login_required
@sensitive_post_parameters("code")
@never_cache
def authenticator_setup(request):
    """Scan the QR code (or type the key), then prove it with a code from the app."""
    user = request.user
    device = None
    device_id = request.session.get(SETUP_DEVICE)
    if device_id:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        device = services.start_authenticator(request, user)
        request.session[SETUP_DEVICE] = device.pk
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_authenticator(request, user, device.pk, form.cleaned_data["code"])
        if codes is not None:
            request.session.pop(SETUP_DEVICE, None)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "new": True})
        form.add_error("code", _("De code is onjuist. Controleer de tijd op uw telefoon."))
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_data_uri": _qr_data_uri(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "accounts/authenticator_setup.html", context)


def _qr_data_uri(text: str) -> str:
    """The QR code as an SVG data: URI, rendered here (the CSP allows img data:)."""
    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
@sensitive_post_parameters("password")
@never_cache
def authenticator_remove(request):
    form = ConfirmPasswordForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        services.remove_authenticator(request, request.user)
        messages.success(
            request,
            _("De authenticator-app is verwijderd. U ontvangt de code weer per SMS of e-mail."),
        )
        return redirect("accounts:profile")
    return render(request, "accounts/authenticator_remove.html", {"form": form})


@login_required
@sensitive_post_parameters("password")
@never_cache
def recovery_codes(request):
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:profile")
    form = ConfirmPasswordForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        codes = services.new_recovery_codes(request, request.user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "new": False})
    return render(request, "accounts/recovery_codes_confirm.html", {"form": form})
