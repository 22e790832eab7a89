"""The "Organisatie" page (Portero 3.4): the organisation's data read-only, its profile
("Actieve Rollen") and the change request that goes to the operator."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from knooppunt.access import rules
from knooppunt.access.models import ProductCode
from knooppunt.core.forms import show_errors
from knooppunt.usermanagement.roles import product_roles

from . import services
from .forms import ChangeRequestForm
from .models import AANVRAAGSOORTEN, Profile


@login_required
@never_cache
def detail(request):
    organisation = request.user.organisation
    asked = (request.GET.get("organisatie") or "").strip()
    if asked and asked != str(organisation.pk):
        raise Http404  # another organisation's id, as everywhere: not found
    rules.require(request.user, "organisation.view", organisation)
    may_request = rules.can(request.user, "organisation.request_change", organisation)
    form = ChangeRequestForm(request.POST or None) if may_request else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.request_change(
                    request.user, organisation, form.cleaned_data["text"], request=request
                )
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Uw wijzigingsverzoek is verstuurd naar de beheerorganisatie."),
                )
                return redirect("organisations:detail")
    products = list(organisation.products.order_by("volgorde"))
    # The profile ("Actieve Rollen") only matters to organisations with Wlz-aanvragen.
    has_applications = any(p.code == ProductCode.WLZ_AANVRAGEN for p in products)
    profiles = [(label, AANVRAAGSOORTEN[Profile(value)]) for value, label in Profile.choices]
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "products": products,
            "product_roles": product_roles(products),
            "has_applications": has_applications,
            "domains": organisation.domain_list(),
            "profiles": profiles,
            "form": form,
            "change_requests": organisation.change_requests.all()[:10] if may_request else [],
        },
    )
