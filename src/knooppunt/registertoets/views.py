"""The Wlz-Registertoets screens of SPEC 7.2: "Raadplegen" and the bulk check for a Gebruiker,
the counts of lookups for the organisation's administrator. Views parse, call a service and
render; who may is decided in the authorisation module, and anything else is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from knooppunt.access import rules
from knooppunt.core.forms import show_errors

from . import bsn as bsn_module
from . import selectors, services
from .forms import BulkForm, RaadplegenForm
from .models import Reden


def _own_organisation_only(request) -> None:
    """No id in the URL: the actor's own organisation; another one asked for is a 404."""
    asked = (request.GET.get("organisatie") or request.POST.get("organisatie") or "").strip()
    if asked and asked != str(request.user.organisation_id):
        raise Http404


@login_required
@never_cache
def raadplegen(request):
    rules.require(request.user, "registertoets.raadplegen")
    _own_organisation_only(request)
    form = RaadplegenForm(request.POST or None)
    antwoord = None
    if request.method == "POST" and form.is_valid():
        vraag = form.cleaned_data["vraag"]
        try:
            antwoord = services.raadplegen(
                request.user,
                bsn=vraag.bsn,
                geboortedatum=vraag.geboortedatum,
                reden=vraag.reden,
                peildatum=form.cleaned_data.get("peildatum"),
                request=request,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            form = RaadplegenForm()  # the next question starts empty: no BSN left on the page
    return render(
        request,
        "registertoets/raadplegen.html",
        {
            "form": form,
            "antwoord": antwoord,
            "reden_label": dict(Reden.choices).get(antwoord.vraag.reden) if antwoord else "",
            "bsn_masked": bsn_module.mask(antwoord.vraag.bsn) if antwoord else "",
        },
    )


@login_required
@never_cache
def bulk(request):
    rules.require(request.user, "registertoets.bulk")
    _own_organisation_only(request)
    form = BulkForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.submit_bulk(
                request.user,
                form.rows,
                reden=form.cleaned_data["reden"],
                filename=form.cleaned_data["bestand"].name,
                request=request,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return redirect("registertoets:bulk_detail", pk=check.pk)
    return render(
        request,
        "registertoets/bulk.html",
        {"form": form, "checks": selectors.own_bulk_checks(request.user)},
    )


@login_required
@never_cache
def bulk_detail(request, pk: int):
    check = selectors.bulk_check(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return render(request, "registertoets/bulk_detail.html", {"check": check})


@login_required
@never_cache
def bulk_download(request, pk: int):
    check = selectors.bulk_check(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        content = services.download_bulk(request.user, check, request=request)
    except services.ResultGone:
        messages.error(
            request,
            _(
                "Het resultaat is niet meer beschikbaar: het is al gedownload of verlopen. "
                "Bied het bestand zo nodig opnieuw aan."
            ),
        )
        return redirect("registertoets:bulk_detail", pk=check.pk)
    response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="registertoets-resultaat-{check.pk}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
def overzicht(request):
    organisation = request.user.organisation
    rules.require(request.user, "registertoets.overzicht", organisation)
    _own_organisation_only(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return render(
        request,
        "registertoets/overzicht.html",
        {
            "organisation": organisation,
            "rows": selectors.counts_per_user_per_month(organisation),
        },
    )
