"""eHerkenning login (BIDN 2): choose the broker, the broker's callback, and on the first login
"Persoonlijke instellingen" and the verification code. The views parse, call and render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from knooppunt.core.forms import show_errors
from knooppunt.core.http import local_url

from . import oidc, services
from .forms import BrokerChoiceForm, PersonalSettingsForm, VerificationForm
from .models import CodeRecipient


def _posted(request):
    # Not `request.POST or None`: an empty submission must be validated too.
    return request.POST if request.method == "POST" else None


def _start_again(request):
    messages.warning(request, _("Uw inlogsessie is verlopen. Log opnieuw in met eHerkenning."))
    return redirect("eherkenning:choose_broker")


@never_cache
def choose_broker(request):
    """'Inloggen met eHerkenning': choose the organisation's eHerkenningmakelaar, 'Verder'."""
    if request.user.is_authenticated:
        return redirect("core:welcome")
    brokers = services.active_brokers()
    origins = services.form_action_origins(brokers)  # reads the brokers once; the rest reuses it
    form = BrokerChoiceForm(
        _posted(request), brokers=brokers, initial={"next": request.GET.get("next", "")}
    )
    if request.method == "POST" and form.is_valid():
        next_url = local_url(request, form.cleaned_data["next"])
        try:
            return services.start_login(request, form.cleaned_data["broker"], next_url)
        except oidc.BrokerUnavailable:
            return _refused(request, services.LoginOutcome(services.Result.REFUSED, "unavailable"))
    response = render(
        request, "eherkenning/choose_broker.html", {"form": form, "brokers": brokers.exists()}
    )
    response._csp_update = {"form-action": origins}
    return response


@never_cache
def callback(request):
    """Where the broker sends the browser back to (the redirect URI registered there)."""
    if request.user.is_authenticated:
        return redirect("core:welcome")
    outcome = services.complete_login(request)
    if outcome.result == services.Result.LOGGED_IN:
        return redirect(services.take_next_url(request) or "core:welcome")
    if outcome.result == services.Result.REGISTER:
        return redirect("eherkenning:register")
    if outcome.result == services.Result.VERIFY:
        return redirect("eherkenning:verify")
    return _refused(request, outcome)


def _refused(request, outcome):
    status = 502 if outcome.reason == "unavailable" else 403
    return render(
        request,
        "eherkenning/refused.html",
        {"reason": outcome.reason, **outcome.context},
        status=status,
    )


@never_cache
def register(request):
    """BIDN 2.2: "Persoonlijke instellingen" on the first login, then 'Opslaan'."""
    if request.user.is_authenticated:
        return redirect("core:welcome")
    pending = services.pending_registration(request)
    if pending is None:
        if services.user_awaiting_verification(request):
            return redirect("eherkenning:verify")
        return _start_again(request)
    form = PersonalSettingsForm(_posted(request), organisation=pending.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.register(request, pending, form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return redirect("eherkenning:verify")
    return render(
        request,
        "eherkenning/register.html",
        {"form": form, "organisation": pending.organisation},
    )


@never_cache
def verify(request):
    """BIDN 2.2: the 'verificatiecode' screen, once; 'verifieer'."""
    if request.user.is_authenticated:
        return redirect("core:welcome")
    found = services.user_awaiting_verification(request)
    if found is None:
        return _start_again(request)
    user, registration = found
    allowed = services.max_code_attempts()
    blocked = not user.verification_code or registration.failed_attempts >= allowed
    form = VerificationForm(_posted(request))
    if request.method == "POST" and not blocked and form.is_valid():
        result = services.verify(request, form.cleaned_data["code"])
        if result.verified:
            messages.success(request, _("Uw account is geverifieerd. Welkom bij Knooppunt."))
            return redirect(services.take_next_url(request) or "core:welcome")
        blocked = result.blocked
        if not blocked:
            form.add_error(
                "code",
                ngettext(
                    "De verificatiecode is onjuist. U kunt het nog %(count)d keer proberen.",
                    "De verificatiecode is onjuist. U kunt het nog %(count)d keer proberen.",
                    result.remaining,
                )
                % {"count": result.remaining},
            )
    return render(
        request,
        "eherkenning/verify.html",
        {
            "form": form,
            "blocked": blocked,
            "pending_user": user,
            "from_operator": registration.code_via == CodeRecipient.OPERATOR,
        },
        status=200,
    )
