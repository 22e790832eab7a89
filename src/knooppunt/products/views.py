"""The "Productinstellingen" tab (BIDN 3.2.2): per product of the organisation, the addresses
for notifications and the webservice credentials. Views parse, call a service and render; who
may open a tab is `products.configure` in the authorisation module, and an id outside the actor's
reach is a 404 for every method."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from knooppunt.access import rules
from knooppunt.core.forms import show_errors
from knooppunt.organisations.models import Organisation

from . import selectors, services
from .forms import CredentialForm, NotificationAddressForm, RateLimitForm, RotateForm
from .models import Credential, NotificationAddress
from .scope import ProductScope


def _parse_id(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 18 else None


def _scope(request, organisation: int, product: str) -> ProductScope:
    scope = selectors.scope_or_404(organisation, product)
    rules.require(request.user, "products.configure", scope)
    return scope


def _tab_url(scope: ProductScope) -> str:
    return reverse("products:tab", args=[scope.organisation_id, scope.product_code])


def _address(scope: ProductScope, pk: int) -> NotificationAddress:
    return get_object_or_404(
        NotificationAddress.objects.select_related("product"),
        pk=pk,
        organisation=scope.organisation,
        product=scope.product,
    )


def _credential(scope: ProductScope, pk: int) -> Credential:
    return get_object_or_404(
        Credential.objects.select_related("product", "organisation"),
        pk=pk,
        organisation=scope.organisation,
        product=scope.product,
    )


def _tabs(request, scope: ProductScope) -> list[dict]:
    return [
        {
            "product": product,
            "url": reverse("products:tab", args=[scope.organisation_id, product.code]),
            "current": product.pk == scope.product.pk,
        }
        for product in selectors.managed_products(request.user, scope.organisation)
    ]


# --- the list of tabs ------------------------------------------------------------------------


@login_required
@never_cache
def index(request):
    """A Productbeheerder goes to the first product it manages; the operator finds an
    organisation first (by name or id)."""
    rules.require(request.user, "products.index")
    asked = (request.GET.get("organisatie") or "").strip()
    if not rules.is_operator(request.user):
        if asked and asked != str(request.user.organisation_id):
            raise Http404
        managed = selectors.managed_products(request.user, request.user.organisation)
        if not managed:
            raise Http404
        return redirect("products:tab", request.user.organisation_id, managed[0].code)
    organisation = None
    if asked:
        organisation_id = _parse_id(asked)
        if organisation_id is None:
            raise Http404
        organisation = get_object_or_404(Organisation, pk=organisation_id)
    term = (request.GET.get("zoek") or "").strip()[:100]
    found = []
    if term:
        query = Q(naam__icontains=term) | Q(weergavenaam__icontains=term)
        if _parse_id(term) is not None:
            query |= Q(pk=int(term))
        found = list(
            Organisation.objects.filter(query).exclude(type="operator").order_by("naam")[:25]
        )
    return render(
        request,
        "products/index_operator.html",
        {
            "term": term,
            "found": found,
            "organisation": organisation,
            "products": organisation.products.order_by("volgorde") if organisation else [],
        },
    )


# --- the tab ---------------------------------------------------------------------------------


def _render_tab(request, scope: ProductScope, *, address_form=None, status=200):
    is_operator = rules.can(request.user, "products.set_rate_limit")
    credentials = list(selectors.credentials(scope))
    return render(
        request,
        "products/settings.html",
        {
            "scope": scope,
            "tabs": _tabs(request, scope),
            "addresses": selectors.addresses(scope),
            "address_form": address_form or NotificationAddressForm(),
            "credentials": credentials,
            "domains": scope.organisation.domain_list(),
            "is_operator": is_operator,
            "default_rate_limit": settings.KNOOPPUNT_API_RATE_LIMIT,
            "rate_window": settings.KNOOPPUNT_API_RATE_WINDOW_SECONDS,
            "api_base": settings.KNOOPPUNT_BASE_URL + "/api/v1/",
        },
        status=status,
    )


@login_required
@never_cache
def settings_tab(request, organisation: int, product: str):
    scope = _scope(request, organisation, product)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _render_tab(request, scope)


@login_required
@never_cache
def address_add(request, organisation: int, product: str):
    scope = _scope(request, organisation, product)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = NotificationAddressForm(request.POST)
    if form.is_valid():
        try:
            address = services.add_notification_address(
                request.user, scope, form.cleaned_data["email"], request=request
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(email)s ontvangt nu de meldingen voor %(product)s.")
                % {"email": address.email, "product": scope.product.naam},
            )
            return redirect(_tab_url(scope))
    return _render_tab(request, scope, address_form=form)


@login_required
@never_cache
def address_remove(request, organisation: int, product: str, address: int):
    scope = _scope(request, organisation, product)
    found = _address(scope, address)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.remove_notification_address(request.user, found, request=request)
    messages.success(request, _("%(email)s ontvangt geen meldingen meer.") % {"email": found.email})
    return redirect(_tab_url(scope))


@login_required
@never_cache
def address_test(request, organisation: int, product: str, address: int):
    scope = _scope(request, organisation, product)
    found = _address(scope, address)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.send_test_mail(request.user, found, request=request)
    messages.success(
        request,
        _("Er is een testmail verstuurd naar %(email)s. Hij komt binnen enkele minuten aan.")
        % {"email": found.email},
    )
    return redirect(_tab_url(scope))


# --- credentials -----------------------------------------------------------------------------


def _show_key(request, scope: ProductScope, credential: Credential, key: str, *, rotated: bool):
    """The key, once: rendered in the answer to the POST, never stored, never cached."""
    response = render(
        request,
        "products/credential_key.html",
        {
            "scope": scope,
            "credential": credential,
            "key": key,
            "rotated": rotated,
            "tab_url": _tab_url(scope),
            "api_base": settings.KNOOPPUNT_BASE_URL + "/api/v1/",
        },
    )
    response["Cache-Control"] = "no-store, max-age=0"
    return response


@login_required
@never_cache
def credential_create(request, organisation: int, product: str):
    scope = _scope(request, organisation, product)
    form = CredentialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credential, key = services.create_credential(
                request.user,
                scope,
                name=form.cleaned_data["name"],
                expires_on=form.cleaned_data["expires_on"],
                networks=form.cleaned_data["networks"],
                request=request,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return _show_key(request, scope, credential, key, rotated=False)
    return render(
        request,
        "products/credential_form.html",
        {"scope": scope, "form": form, "tab_url": _tab_url(scope)},
    )


@login_required
@never_cache
def credential_revoke(request, organisation: int, product: str, credential: int):
    scope = _scope(request, organisation, product)
    found = _credential(scope, credential)
    if request.method == "POST":
        services.revoke_credential(request.user, found, request=request)
        messages.success(
            request,
            _("De koppeling “%(name)s” is ingetrokken. Haar sleutel werkt niet meer.")
            % {"name": found.name},
        )
        return redirect(_tab_url(scope))
    return render(
        request,
        "products/credential_revoke.html",
        {"scope": scope, "credential": found, "tab_url": _tab_url(scope)},
    )


@login_required
@never_cache
def credential_rotate(request, organisation: int, product: str, credential: int):
    scope = _scope(request, organisation, product)
    found = _credential(scope, credential)
    form = RotateForm(request.POST or None, initial={"grace_hours": services.default_grace_hours()})
    if request.method == "POST" and form.is_valid():
        try:
            rotated, key = services.rotate_credential(
                request.user,
                found,
                grace_hours=form.cleaned_data["grace_hours"],
                request=request,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return _show_key(request, scope, rotated, key, rotated=True)
    return render(
        request,
        "products/credential_rotate.html",
        {"scope": scope, "credential": found, "form": form, "tab_url": _tab_url(scope)},
    )


@login_required
@never_cache
def credential_rate_limit(request, organisation: int, product: str, credential: int):
    scope = _scope(request, organisation, product)
    found = _credential(scope, credential)
    rules.require(request.user, "products.set_rate_limit", found)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RateLimitForm(request.POST)
    if form.is_valid():
        try:
            services.set_rate_limit(
                request.user, found, form.cleaned_data["rate_limit"], request=request
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("De limiet is opgeslagen."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_tab_url(scope))
