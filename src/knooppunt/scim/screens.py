"""The "Koppelingen" page of user management: the administrator issues and revokes the SCIM
tokens of its organisation; the operator sees and revokes every organisation's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from knooppunt.access import rules
from knooppunt.core.forms import show_errors

from . import services
from .forms import TokenForm
from .models import ScimToken


def _tokens_for(request):
    """The tokens the actor sees; an organisation id in the query string only for the
    operator (anyone else: 404, as everywhere in user management)."""
    actor = request.user
    rules.require(actor, "scim.tokens.view")
    raw = (request.GET.get("organisatie") or "").strip()
    everything = actor.as_principal().is_operator
    found = ScimToken.objects.select_related("organisation")
    if everything:
        if raw:
            if not raw.isdigit() or len(raw) > 18:
                raise Http404
            found = found.filter(organisation_id=int(raw))
        return found, True
    if raw and raw != str(actor.organisation_id):
        raise Http404
    return found.filter(organisation_id=actor.organisation_id), False


def _page(request, form, status=200):
    found, everything = _tokens_for(request)
    return render(
        request,
        "scim/tokens.html",
        {
            "tokens": found.order_by("revoked_at", "-created_at", "-pk")[:500],
            "all_organisations": everything,
            "form": form,
            "may_issue": not everything,
            "base_url": request.build_absolute_uri(reverse("scim:root")),
        },
        status=status,
    )


@login_required
@never_cache
def token_list(request):
    return _page(request, TokenForm())


@login_required
@never_cache
def token_issue(request):
    """ "Koppeling aanmaken": the token is shown once, on this answer (not after a redirect,
    so it never sits in a URL or the history)."""
    _tokens_for(request)
    actor = request.user
    if actor.as_principal().is_operator:
        raise Http404
    organisation = actor.organisation
    rules.require(actor, "scim.token.issue", organisation)
    if request.method != "POST":
        return redirect("koppelingen:token_list")
    form = TokenForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            token, secret = services.issue_token(
                actor,
                organisation,
                name=data["name"],
                expires_on=data["expires_on"],
                networks=data["networks"],
                request=request,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            response = render(
                request,
                "scim/token_issued.html",
                {
                    "token": token,
                    "secret": secret,
                    "base_url": request.build_absolute_uri(reverse("scim:root")),
                },
            )
            response["Cache-Control"] = "no-store"
            return response
    return _page(request, form, status=400)


@login_required
@never_cache
def token_revoke(request, token):
    found, _everything = _tokens_for(request)
    subject = found.filter(pk=token).first()
    if subject is None:
        raise rules.AccessRefused("scim.token.revoke", token)
    rules.require(request.user, "scim.token.revoke", subject)
    if request.method == "POST":
        if services.revoke_token(request.user, subject, request=request):
            messages.success(request, _("De koppeling is ingetrokken."))
        return redirect("koppelingen:token_list")
    return render(request, "scim/token_revoke.html", {"subject": subject})
