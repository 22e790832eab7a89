"""The administrator's screens (Portero 3, BIDN 3, SPEC 6). Views parse, call a service and
render; who may do what is decided in `knooppunt.access.rules`, and any id outside the
actor's reach is a 404 for every method."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from knooppunt.access import rules
from knooppunt.access import services as access_services
from knooppunt.accounts import selectors
from knooppunt.accounts.models import Status
from knooppunt.audit.exports import record_audit_export
from knooppunt.audit.models import AuditEvent
from knooppunt.core.forms import show_errors
from knooppunt.organisations.models import Organisation

from . import audit_labels, csvio, search, services
from .forms import AuditFilterForm, DeactivateForm, DeleteForm, ImportForm, UserEditForm, UserForm


def _require_access(request) -> None:
    rules.require(request.user, "usermanagement.access")


def _organisation_for(request, action: str) -> Organisation:
    """The organisation a create/import acts on: the administrator's own, or the one the
    operator chose with ?organisatie=ID. Anything else is a 404."""
    actor = request.user
    raw = (request.GET.get("organisatie") or request.POST.get("organisatie") or "").strip()
    if rules.can(actor, "user.list_all"):
        organisation_id = search.parse_id(raw)
        if organisation_id is None:
            raise Http404
        organisation = get_object_or_404(Organisation, pk=organisation_id)
    else:
        if raw and raw != str(actor.organisation_id):
            raise Http404
        organisation = actor.organisation
    rules.require(actor, action, organisation)
    return organisation


def _list_url(request=None, organisation=None) -> str:
    url = reverse("usermanagement:user_list")
    if (
        organisation is not None
        and request is not None
        and rules.can(request.user, "user.list_all")
    ):
        url += "?" + urlencode({"organisatie": organisation.pk})
    return url


# --- "Gebruikers" ----------------------------------------------------------------------------


@login_required
@never_cache
def user_list(request):
    _require_access(request)
    query = search.UserQuery.from_request(request)
    page = search.run(query)
    organisation = None
    if query.organisatie is not None:
        organisation = (
            request.user.organisation
            if query.organisatie == request.user.organisation_id
            else Organisation.objects.filter(pk=query.organisatie).first()
        )
    headers = [
        {
            "key": key,
            "label": label,
            "url": query.sort_link(key),
            "aria_sort": query.aria_sort(key),
        }
        for key, label in [
            ("inlognaam", _("Inlognaam")),
            ("naam", _("Naam")),
            ("laatste_inlog", _("Laatste inlog")),
            ("opmerkingen", _("Opmerkingen")),
        ]
    ]
    return render(
        request,
        "usermanagement/user_list.html",
        {
            "page": page,
            "rows": _rows(page.users, query.all_organisations),
            "delete_label": _("Verwijderen"),
            "query": query,
            "headers": headers,
            "organisation": organisation,
            "all_organisations": query.all_organisations,
            "export_query": query.url_query(pagina=""),
        },
    )


_PK = 987654321  # stands in for the id when reversing a URL once per page


def _rows(users, with_organisation: bool) -> list[dict]:
    """The cells of the list, prepared in Python: 50 rows through template tags would cost
    more than the database work of the page."""
    edit = reverse("usermanagement:user_edit", args=[_PK])
    delete = reverse("usermanagement:user_delete", args=[_PK]) + "?terug=lijst"
    statuses = dict(Status.choices)
    until = _("tot %(date)s")
    rows = []
    for user in users:
        key = str(user.pk)
        status = str(statuses.get(user.status, user.status))
        if user.deactivated_until:
            status += " (" + until % {"date": user.deactivated_until.strftime("%d-%m-%Y")} + ")"
        rows.append(
            {
                "username": user.username,
                "naam": user.naam,
                "last_login": (
                    timezone.localtime(user.last_login).strftime("%d-%m-%Y %H:%M")
                    if user.last_login
                    else ""
                ),
                "status": status,
                "remark": user.deletion_reason,
                "edit_url": edit.replace(str(_PK), key),
                "delete_url": None
                if user.status == Status.DELETED
                else delete.replace(str(_PK), key),
                "organisation": user.organisation if with_organisation else None,
                "organisation_id": user.organisation_id,
            }
        )
    return rows


@login_required
@never_cache
def user_export(request):
    _require_access(request)
    query = search.UserQuery.from_request(request)
    organisation = None
    if query.organisatie is not None:
        organisation = get_object_or_404(Organisation, pk=query.organisatie)
    services.record_user_export(
        request.user,
        organisation,
        {
            "zoeken": query.zoeken,
            "toon_verwijderd": query.toon_verwijderd,
            "organisatie": query.organisatie,
        },
        request=request,
    )
    header = [
        _("inlognaam"),
        _("voorletters"),
        _("voornaam"),
        _("tussenvoegsel"),
        _("achternaam"),
        _("email"),
        _("telefoonnummer"),
        _("status"),
        _("laatste inlog"),
        _("opmerkingen"),
    ]
    if query.all_organisations:
        header.append(_("organisatie"))

    def rows():
        for user in query.users().iterator(chunk_size=2000):
            row = [
                user.username,
                user.voorletters,
                user.voornaam,
                user.tussenvoegsel,
                user.achternaam,
                user.email,
                user.telefoonnummer,
                user.get_status_display(),
                csvio.format_datetime(user.last_login),
                user.deletion_reason,
            ]
            if query.all_organisations:
                row.append(f"{user.organisation} ({user.organisation_id})")
            yield row

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csvio.csv_response(f"gebruikers-{stamp}.csv", header, rows())


# --- create ----------------------------------------------------------------------------------


@login_required
@never_cache
def user_create(request):
    _require_access(request)
    organisation = _organisation_for(request, "user.create_in")
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_colleague(
                request.user, organisation, form.personal_data(), request=request
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("usermanagement:user_saved", user.pk)
    return render(
        request,
        "usermanagement/user_create.html",
        {
            "form": form,
            "organisation": organisation,
            "cancel_url": _list_url(request, organisation),
            "operator": rules.can(request.user, "user.list_all"),
        },
    )


@login_required
@never_cache
def user_saved(request, pk):
    """ "De gebruiker is opgeslagen." with the summary and "Verder" (Portero 3.2)."""
    _require_access(request)
    user = selectors.get_user_for(request.user, "user.view", pk)
    return render(
        request,
        "usermanagement/user_saved.html",
        {"subject": user, "continue_url": _list_url(request, user.organisation)},
    )


# --- "Gebruiker wijzigen (id)" ---------------------------------------------------------------


def _edit_form(request, user, data=None):
    products = list(user.organisation.products.order_by("volgorde"))
    roles_editable = user.status in access_services.GRANTABLE_STATUSES
    return UserEditForm(data, user=user, products=products, roles_editable=roles_editable)


@login_required
@never_cache
def user_edit(request, pk):
    _require_access(request)
    actor = request.user
    user = selectors.get_user_for(actor, "user.change", pk)
    if user.status in (Status.DELETED, Status.EXPIRED):
        if request.method == "POST":
            return HttpResponseNotAllowed(["GET"])
        return render(request, "usermanagement/user_readonly.html", _page_context(request, user))
    form = _edit_form(request, user, request.POST if request.method == "POST" else None)
    status, stale = 200, False
    if request.method == "POST" and form.is_valid():
        data = {**form.personal_data(), **form.switches()}
        may_appoint = rules.can(actor, "user.set_administrator", user)
        try:
            services.edit_user(
                actor,
                user,
                data,
                expected_version=form.cleaned_data["version"],
                grants=form.grants() if form.roles_editable else None,
                is_administrator=form.cleaned_data["is_administrator"] if may_appoint else None,
                request=request,
            )
        except services.StaleUserError:
            # Show what is stored now; the administrator makes the changes again on top of it.
            user.refresh_from_db()
            form = _edit_form(request, user)
            stale = True
            status = 409
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if user.pk == actor.pk and not rules.can(user, "usermanagement.access"):
                # Handed over one's own administrator right: a privilege change, so a new
                # session id, and user management is no longer this person's to see.
                request.session.cycle_key()
                messages.success(request, _("U bent geen gebruikersbeheerder meer."))
                return redirect("core:welcome")
            return redirect("usermanagement:user_saved", user.pk)
    context = _page_context(request, user)
    context.update(form=form, stale=stale)
    return render(request, "usermanagement/user_edit.html", context, status=status)


def _page_context(request, user) -> dict:
    return {
        "subject": user,
        "organisation": user.organisation,
        "suspended": access_services.suspended_grants(user),
        "list_url": _list_url(request, user.organisation),
        "may_appoint": rules.can(request.user, "user.set_administrator", user),
        "is_self": user.pk == request.user.pk,
        "awaiting_approval": user.self_registered and user.approved_at is None,
    }


# --- "Actief" switch -------------------------------------------------------------------------


@login_required
@never_cache
def user_deactivate(request, pk):
    """The confirmation of switching "Actief" off ("Ja"), with an optional end date."""
    _require_access(request)
    user = selectors.get_user_for(request.user, "user.deactivate", pk)
    if user.status != Status.ACTIVE:
        return redirect("usermanagement:user_edit", user.pk)
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deactivate_user(
                request.user, user, until=form.cleaned_data["until"], request=request
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("De gebruiker is gedeactiveerd."))
            return redirect("usermanagement:user_edit", user.pk)
    return render(
        request,
        "usermanagement/user_deactivate.html",
        {"subject": user, "form": form, "roles": _held_roles(user)},
    )


def _held_roles(user):
    return [g for g in user.role_grants.select_related("product") if g.active]


@login_required
@never_cache
def user_reactivate(request, pk):
    """Switching "Actief" on: shows the roles the user held, restorable at once."""
    _require_access(request)
    user = selectors.get_user_for(request.user, "user.reactivate", pk)
    if user.status != Status.DEACTIVATED:
        return redirect("usermanagement:user_edit", user.pk)
    error = None
    if request.method == "POST":
        try:
            restored = services.reactivate_user(
                request.user,
                user,
                restore_roles=request.POST.get("rollen") == "herstellen",
                request=request,
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            if restored:
                messages.success(
                    request, _("De gebruiker is weer actief en de rollen zijn hersteld.")
                )
            else:
                messages.success(request, _("De gebruiker is weer actief."))
            return redirect("usermanagement:user_edit", user.pk)
    return render(
        request,
        "usermanagement/user_reactivate.html",
        {"subject": user, "suspended": access_services.suspended_grants(user), "error": error},
    )


@login_required
@never_cache
def user_restore_roles(request, pk):
    _require_access(request)
    user = selectors.get_user_for(request.user, "user.grant_roles", pk)
    if request.method != "POST":
        return redirect("usermanagement:user_edit", user.pk)
    try:
        restored = access_services.restore_grants(request.user, user, request=request)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        if restored:
            messages.success(request, _("De eerdere rollen zijn hersteld."))
    return redirect("usermanagement:user_edit", user.pk)


# --- delete ----------------------------------------------------------------------------------


@login_required
@never_cache
def user_delete(request, pk):
    """ "Gebruiker verwijderen": mandatory "Reden*", "Ja" / "Nee" (Portero 3.3)."""
    _require_access(request)
    user = selectors.get_user_for(request.user, "user.delete", pk)
    if user.status == Status.DELETED:
        return redirect("usermanagement:user_edit", user.pk)
    back = _list_url(request, user.organisation) if request.GET.get("terug") == "lijst" else None
    back = back or reverse("usermanagement:user_edit", args=[user.pk])
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_user(request.user, user, form.cleaned_data["reason"], request=request)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return redirect("usermanagement:user_deleted", user.pk)
    return render(
        request,
        "usermanagement/user_delete.html",
        {"subject": user, "form": form, "back_url": back},
    )


@login_required
@never_cache
def user_deleted(request, pk):
    """ "De gebruiker is succesvol verwijderd." with "Terug naar overzicht"."""
    _require_access(request)
    user = selectors.get_user_for(request.user, "user.view", pk)
    if user.status != Status.DELETED:
        return redirect("usermanagement:user_edit", user.pk)
    return render(
        request,
        "usermanagement/user_deleted.html",
        {"subject": user, "list_url": _list_url(request, user.organisation)},
    )


# --- bulk import -----------------------------------------------------------------------------


@login_required
@never_cache
def user_import(request):
    _require_access(request)
    organisation = _organisation_for(request, "user.import_into")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            rows = csvio.read_rows(form.cleaned_data["file"])
        except csvio.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            report = services.import_users(
                request.user,
                organisation,
                rows,
                valid_only=form.cleaned_data["mode"] == ImportForm.VALID_ONLY,
                request=request,
            )
    return render(
        request,
        "usermanagement/user_import.html",
        {
            "form": form,
            "report": report,
            "organisation": organisation,
            "list_url": _list_url(request, organisation),
            "operator": rules.can(request.user, "user.list_all"),
        },
    )


# --- "Logboek" -------------------------------------------------------------------------------


def _audit_events(request):
    """The events this actor may read, filtered as the query string says."""
    actor = request.user
    events = AuditEvent.objects.all()
    raw_org = (request.GET.get("organisatie") or "").strip()
    if rules.can(actor, "audit.view_all"):
        if raw_org:
            organisation_id = search.parse_id(raw_org)
            if organisation_id is None:
                raise Http404
            events = events.filter(organisation_id=organisation_id)
    else:
        if raw_org and raw_org != str(actor.organisation_id):
            raise Http404
        rules.require(actor, "audit.view_organisation", actor.organisation)
        events = events.filter(organisation_id=actor.organisation_id)
    actions = sorted(audit_labels.ACTIONS.items(), key=lambda item: str(item[1]))
    form = AuditFilterForm(request.GET or None, actions=actions)
    if form.is_valid():
        data = form.cleaned_data
        if data["van"]:
            events = events.filter(timestamp__date__gte=data["van"])
        if data["tot"]:
            events = events.filter(timestamp__date__lte=data["tot"])
        if data["actie"]:
            events = events.filter(action=data["actie"])
        if data["gebruiker"]:
            name = data["gebruiker"].strip()
            events = events.filter(actor_username__iexact=name) | events.filter(
                object_repr__iexact=name
            )
    return form, events.order_by("-id")


@login_required
@never_cache
def audit_log(request):
    _require_access(request)
    form, events = _audit_events(request)
    paginator = Paginator(events, search.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("pagina"))
    params = request.GET.copy()
    params.pop("pagina", None)
    rows = [
        {
            "event": event,
            "label": audit_labels.label(event.action),
            "details": audit_labels.describe(event.details),
        }
        for event in page.object_list
    ]
    return render(
        request,
        "usermanagement/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filter_query": params.urlencode(),
        },
    )


@login_required
@never_cache
def audit_export(request):
    _require_access(request)
    form, events = _audit_events(request)
    record_audit_export(
        request.user, {k: v for k, v in request.GET.items() if k != "pagina"}, request=request
    )
    header = [
        _("nummer"),
        _("tijdstip"),
        _("gebruiker"),
        _("organisatie-id"),
        _("actie"),
        _("object"),
        _("adres"),
        _("uitkomst"),
        _("details"),
    ]

    def rows():
        for event in events.iterator(chunk_size=2000):
            yield [
                event.pk,
                csvio.format_datetime(event.timestamp),
                event.actor_username,
                event.organisation_id or "",
                audit_labels.label(event.action),
                event.object_repr,
                event.ip_address or "",
                event.get_outcome_display(),
                audit_labels.describe(event.details),
            ]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csvio.csv_response(f"logboek-{stamp}.csv", header, rows())
