"""The administrator's screens (Portero 3, BIDN 3, SPEC 6). Views parse, call a service and
render; who may do what is decided in `knooppunt.access.rules`, and any id outside the
actor's reach is a 404 for every method."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from knooppunt.access import rules
from knooppunt.access import services as access_services
from knooppunt.accounts import selectors
from knooppunt.accounts.models import Status
from knooppunt.core.forms import show_errors
from knooppunt.core.http import url_for_each
from knooppunt.organisations.models import Organisation

from . import csvio, search, services
from . import selectors as states
from .forms import DeactivateForm, DeleteForm, ImportForm, UserEditForm, UserForm


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


# The list's query string as the administrator last saw it: "Terug naar overzicht", "Verder"
# and "Annuleren" return to that search (in the session, so no page has to carry it along).
LIST_QUERY = "usermanagement.lijst"


def _remember_list(request, query: search.UserQuery) -> None:
    value = query.url_query()
    if request.session.get(LIST_QUERY) != value:
        request.session[LIST_QUERY] = value


def _list_url(request=None, organisation=None) -> str:
    url = reverse("usermanagement:user_list")
    operator = request is not None and rules.can(request.user, "user.list_all")
    remembered = request.session.get(LIST_QUERY, "") if request is not None else ""
    if remembered.startswith("?") and len(remembered) > 1:
        shown = QueryDict(remembered[1:]).get("organisatie")
        # The operator's search of all organisations, or of this user's organisation.
        if not operator or shown in (None, str(getattr(organisation, "pk", ""))):
            return url + remembered
    if organisation is not None and operator:
        url += "?" + urlencode({"organisatie": organisation.pk})
    return url


# --- "Gebruikers" ----------------------------------------------------------------------------


@login_required
@never_cache
def user_list(request):
    _require_access(request)
    query = search.UserQuery.from_request(request)
    page = search.run(query)
    _remember_list(request, query)
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
            ("gebruikersnaam", _("Gebruikersnaam")),
            ("naam", _("Naam")),
            ("laatste_inlog", _("Laatste inlog")),
            ("opmerkingen", _("Opmerkingen")),
        ]
    ]
    labels = {
        # Each cell's column name for the stacked layout on a phone, looked up once.
        **{h["key"]: h["label"] for h in headers},
        "status": _("Status"),
        "organisatie": _("Organisatie"),
    }
    here = request.get_full_path()
    rows = render_to_string(
        "usermanagement/user_rows.jinja",
        {
            "rows": _rows(page.users, query.all_organisations, request.user.pk),
            "labels": labels,
            "all_organisations": query.all_organisations,
            "here": here,
            "delete_label": _("Verwijderen"),
            "resend_label": _("Uitnodiging opnieuw versturen"),
            "empty_label": _("Geen gebruikers gevonden."),
        },
        request=request,
    )
    return render(
        request,
        "usermanagement/user_list.html",
        {
            "page": page,
            "rows_html": mark_safe(rows),  # noqa: S308 (Jinja2 escaped every value)
            "query": query,
            "status_filters": states.FILTERS,
            "status_label": states.BY_VALUE[query.status].label if query.status else "",
            "headers": headers,
            "here": here,
            "organisation": organisation,
            "all_organisations": query.all_organisations,
            "export_query": query.url_query(pagina=""),
        },
    )


def _rows(users, with_organisation: bool, actor_id: int) -> list[dict]:
    """The cells of the list, prepared in Python: 50 rows through template tags would cost
    more than the database work of the page. No "Verwijderen" for oneself or the deleted."""
    edit = url_for_each("usermanagement:user_edit")
    delete = url_for_each("usermanagement:user_delete", "?terug=lijst")
    resend = url_for_each("usermanagement:user_resend_invitation")
    statuses = dict(Status.choices)
    until = _("tot %(date)s")
    rows = []
    for user in users:
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
                "edit_url": edit(user.pk),
                "delete_url": None
                if user.status == Status.DELETED or user.pk == actor_id
                else delete(user.pk),
                "resend_url": resend(user.pk) if user.status == Status.INVITED else None,
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
        _("gebruikersnaam"),
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
    form = UserForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_colleague(
                request.user, organisation, form.personal_data(), request=request
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            # "Verder" offers the next step: assigning the new user's roles.
            return redirect(reverse("usermanagement:user_saved", args=[user.pk]) + "?nieuw=1")
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
    may_grant = (
        user.status in access_services.GRANTABLE_STATUSES
        and rules.can(request.user, "user.grant_roles", user)
        and user.organisation.products.exists()
    )
    return render(
        request,
        "usermanagement/user_saved.html",
        {
            "subject": user,
            "continue_url": _list_url(request, user.organisation),
            "created": request.GET.get("nieuw") == "1",
            "roles_url": reverse("usermanagement:user_edit", args=[user.pk]) + "#rollen",
            "may_grant": may_grant,
            "grants": [g for g in user.role_grants.select_related("product") if g.active],
        },
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
        awaiting = user.self_registered and user.approved_at is None
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
            show_errors(form, exc)
        else:
            if user.pk == actor.pk and not rules.can(user, "usermanagement.access"):
                # Handed over one's own administrator right: a privilege change, so a new
                # session id, and user management is no longer this person's to see.
                request.session.cycle_key()
                messages.success(request, _("U bent geen gebruikersbeheerder meer."))
                return redirect("core:welcome")
            if awaiting and user.approved_at is not None:
                messages.success(
                    request,
                    _("%(naam)s is goedgekeurd en heeft nu de gekozen rollen.")
                    % {"naam": user.naam},
                )
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
        "invitation_expired": states.invitation_expired(user),
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


# --- "Uitnodiging opnieuw versturen" (invited users) ------------------------------------------


@login_required
@never_cache
def user_resend_invitation(request, pk):
    """A new invitation mail with a new set-password link; the earlier links stop working."""
    _require_access(request)
    user = selectors.get_user_for(request.user, "user.resend_invitation", pk)
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=None) or not back.startswith("/"):
        back = reverse("usermanagement:user_edit", args=[user.pk])
    if request.method != "POST":
        return redirect(back)
    try:
        services.resend_invitation(request.user, user, request=request)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("De uitnodiging is opnieuw verstuurd naar %(email)s. Eerdere links werken niet meer.")
            % {"email": user.email},
        )
    return redirect(back)


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
