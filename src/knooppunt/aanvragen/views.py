"""The submitter's screens of Wlz-aanvragen: the organisation's list, "Nieuwe aanvraag" (Kies
aanvraag, then the form), an application with its status, deadline, attachments and history,
and the steps a submitter takes (indienen, aanvullen, intrekken). Views parse, call a service
and render; another organisation's id is a 404 on every URL and method."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from knooppunt.access import rules
from knooppunt.core.forms import show_errors

from . import selectors, services, termijnen, workflow
from .forms import AanvraagForm, AanvullenForm, KiesForm, RedenForm
from .models import NODIG_HANDTEKENING, Aanvraag, Bijlage, BijlageSoort, Status
from .services import Onvolledig, Upload
from .soorten import DATUM, Soort, soorten_voor

PAGE_SIZE = 25


# --- helpers ----------------------------------------------------------------------------------


def _use(request) -> None:
    """The list and the new-application screens: a Gebruiker of the product; an organisation
    id in the query string other than the user's own is a 404, as everywhere."""
    rules.require(request.user, "aanvragen.use")
    asked = (request.GET.get("organisatie") or request.POST.get("organisatie") or "").strip()
    if asked and asked != str(request.user.organisation_id):
        raise Http404


def _own(request, pk: int) -> Aanvraag:
    aanvraag = Aanvraag.objects.select_related("organisation").filter(pk=pk).first()
    rules.require(request.user, "aanvragen.view", aanvraag)
    assert aanvraag is not None  # the rule refuses None
    return aanvraag


def _uploads(request) -> list[Upload]:
    """The files of the form: inputs named "bijlage_<code of the attachment kind>"."""
    found: list[Upload] = []
    for key in request.FILES:
        if key.startswith("bijlage_"):
            found.extend(Upload(key[len("bijlage_") :], f) for f in request.FILES.getlist(key))
    return found


def _file_inputs(soort: str, *, aanvraag: Aanvraag | None = None) -> list[dict]:
    """The file inputs of the form: the checklist's kinds first (marked needed, or present),
    then the signed form and other attachments."""
    needed = {k.code for k in workflow.required_kinds(soort)}
    present: dict[str, int] = {}
    if aanvraag is not None:
        for code in aanvraag.bijlagen.values_list("soort__code", flat=True):
            present[code] = present.get(code, 0) + 1
    inputs: list[dict] = []
    for kind in BijlageSoort.objects.all():
        if kind.code in needed or kind.code in (BijlageSoort.ONDERTEKENING, BijlageSoort.OVERIG):
            inputs.append(
                {"kind": kind, "needed": kind.code in needed, "present": present.get(kind.code, 0)}
            )
    inputs.sort(key=lambda i: (not i["needed"], i["kind"].volgorde))
    return inputs


def _limits() -> dict:
    return {
        "mb": settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGE_MB,
        "max": settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGEN,
    }


def _after_save(request, aanvraag: Aanvraag, submit: bool):
    """Concept saved; with "Indienen" also submitted, or told what is missing."""
    if not submit:
        messages.success(request, _("De aanvraag is opgeslagen als concept."))
        return redirect("aanvragen:detail", aanvraag.pk)
    try:
        services.submit(request.user, aanvraag, request=request)
    except Onvolledig as exc:
        messages.warning(
            request,
            _("De aanvraag is opgeslagen als concept, maar nog niet ingediend. Er ontbreekt: %s.")
            % "; ".join(exc.missing),
        )
        return redirect("aanvragen:edit", aanvraag.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("aanvragen:detail", aanvraag.pk)
    messages.success(request, _("De aanvraag is ingediend."))
    return redirect("aanvragen:detail", aanvraag.pk)


# --- the list ---------------------------------------------------------------------------------


@login_required
@never_cache
def aanvraag_list(request):
    _use(request)
    query = selectors.Query.from_params(request.GET)
    rows = selectors.organisation_list(request.user, query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina"))
    now = timezone.now()
    detail = reverse("aanvragen:detail", args=[987654321])
    items = []
    for aanvraag in page.object_list:
        items.append(
            {
                "aanvraag": aanvraag,
                "url": detail.replace("987654321", str(aanvraag.pk)),
                "termijn": termijnen.termijn(aanvraag, now),
            }
        )

    def link(**changes) -> str:
        params = {
            "zoeken": query.zoeken,
            "status": query.status,
            "sorteer": query.sorteer,
            "te_laat": "1" if query.te_laat else "",
            **changes,
        }
        return "?" + urlencode({k: v for k, v in params.items() if v})

    sort_next = "-termijn" if query.sorteer == "termijn" else "termijn"
    return render(
        request,
        "aanvragen/list.html",
        {
            "page": page,
            "items": items,
            "query": query,
            "statuses": Status.choices,
            "sort_link": link(sorteer=sort_next, pagina=""),
            "aria_sort": {"termijn": "ascending", "-termijn": "descending"}.get(query.sorteer),
            "previous_link": link(pagina=page.previous_page_number())
            if page.has_previous()
            else "",
            "next_link": link(pagina=page.next_page_number()) if page.has_next() else "",
            "may_create": True,
        },
    )


# --- Nieuwe aanvraag --------------------------------------------------------------------------


@login_required
@never_cache
def aanvraag_new(request):
    """Kies aanvraag (the kinds of the organisation's profile), then the form of that kind."""
    _use(request)
    organisation = request.user.organisation
    soorten = soorten_voor(organisation.profile)
    soort = (request.POST.get("soort") or request.GET.get("soort") or "").strip()
    if request.method == "GET" and not soort:
        return render(
            request,
            "aanvragen/kies.html",
            {"form": KiesForm(soorten=soorten), "organisation": organisation},
        )
    if soort not in soorten:
        # Not offered: chosen by hand in the URL or the form. Say why; nothing is made.
        kies = KiesForm({"soort": soort}, soorten=soorten)
        kies.is_valid()
        if soort in Soort.values:
            kies.errors["soort"] = kies.error_class(
                [
                    _(
                        "Het profiel %(profiel)s van uw organisatie staat de aanvraagsoort "
                        "%(soort)s niet toe."
                    )
                    % {"profiel": organisation.get_profile_display(), "soort": Soort(soort).label}
                ]
            )
        return render(
            request,
            "aanvragen/kies.html",
            {"form": kies, "organisation": organisation},
            status=400 if request.method == "POST" else 200,
        )
    initial = {"aanmelder_telefoon": request.user.telefoonnummer}
    form = AanvraagForm(
        request.POST if "aanvraag" in request.POST else None, soort=soort, initial=initial
    )
    if request.method == "POST" and "aanvraag" in request.POST and form.is_valid():
        try:
            aanvraag = services.create_draft(
                request.user, soort, form.data_for_service(), _uploads(request), request=request
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return _after_save(request, aanvraag, request.POST.get("actie") == "indienen")
    return render(
        request,
        "aanvragen/form.html",
        {
            "form": form,
            "soort": Soort(soort),
            "datum": DATUM.get(soort),
            "file_inputs": _file_inputs(soort),
            "limits": _limits(),
            "aanvraag": None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def aanvraag_edit(request, pk: int):
    aanvraag = _own(request, pk)
    if not workflow.allowed(aanvraag, "edit"):
        messages.error(request, _("Alleen een concept kan worden gewijzigd."))
        return redirect("aanvragen:detail", aanvraag.pk)
    if request.method == "POST":
        form = AanvraagForm(request.POST, soort=aanvraag.soort)
        if form.is_valid():
            try:
                aanvraag = services.update_draft(
                    request.user,
                    aanvraag,
                    form.data_for_service(),
                    _uploads(request),
                    request=request,
                )
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                return _after_save(request, aanvraag, request.POST.get("actie") == "indienen")
    else:
        # The form shows the client's data: opening it is logged like the application's page.
        services.record_opened(request.user, aanvraag, request=request)
        form = AanvraagForm(
            initial={name: getattr(aanvraag, name) for name in services.FIELDS},
            soort=aanvraag.soort,
        )
    return render(
        request,
        "aanvragen/form.html",
        {
            "form": form,
            "soort": Soort(aanvraag.soort),
            "datum": aanvraag.datum,
            "file_inputs": _file_inputs(aanvraag.soort, aanvraag=aanvraag),
            "limits": _limits(),
            "aanvraag": aanvraag,
            "bijlagen": aanvraag.bijlagen.select_related("soort"),
            "missing": workflow.missing(aanvraag),
        },
        status=400 if form.errors else 200,
    )


# --- one application --------------------------------------------------------------------------


@login_required
@never_cache
def aanvraag_detail(request, pk: int):
    aanvraag = _own(request, pk)
    services.record_opened(request.user, aanvraag, request=request)
    return render(request, "aanvragen/detail.html", detail_context(aanvraag))


def detail_context(aanvraag: Aanvraag) -> dict:
    """What the submitter's page and the console's page both show of an application."""
    return {
        "aanvraag": aanvraag,
        "termijn": termijnen.termijn(aanvraag),
        "missing": workflow.missing(aanvraag) if aanvraag.is_concept else [],
        "nodig": workflow.need_labels(aanvraag.opschorting_nodig or [])
        if aanvraag.status == Status.OPGESCHORT
        else [],
        "bijlagen": aanvraag.bijlagen.select_related("soort"),
        "historie": aanvraag.historie.all(),
        "may": {
            step: workflow.allowed(aanvraag, step)
            for step in ("edit", "submit", "delete", "withdraw", "supplement")
        },
        "retention_days": settings.KNOOPPUNT_AANVRAGEN_RETENTION_DAYS,
        "purge_on": services.purge_date(aanvraag),
    }


def _post_only(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


@login_required
@never_cache
def aanvraag_submit(request, pk: int):
    aanvraag = _own(request, pk)
    refused = _post_only(request)
    if refused:
        return refused
    try:
        services.submit(request.user, aanvraag, request=request)
    except Onvolledig as exc:
        messages.error(
            request,
            _("De aanvraag is nog niet ingediend. Er ontbreekt: %s.") % "; ".join(exc.missing),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De aanvraag is ingediend."))
    return redirect("aanvragen:detail", aanvraag.pk)


@login_required
@never_cache
def aanvraag_delete(request, pk: int):
    aanvraag = _own(request, pk)
    if request.method == "POST":
        try:
            services.delete_draft(request.user, aanvraag, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("aanvragen:detail", aanvraag.pk)
        messages.success(request, _("Het concept is verwijderd."))
        return redirect("aanvragen:list")
    return render(request, "aanvragen/delete.html", {"aanvraag": aanvraag})


@login_required
@never_cache
def aanvraag_withdraw(request, pk: int):
    aanvraag = _own(request, pk)
    form = RedenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(request.user, aanvraag, form.cleaned_data["reden"], request=request)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("De aanvraag is ingetrokken."))
            return redirect("aanvragen:detail", aanvraag.pk)
    return render(
        request,
        "aanvragen/withdraw.html",
        {"aanvraag": aanvraag, "form": form, "may": workflow.allowed(aanvraag, "withdraw")},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def aanvraag_supplement(request, pk: int):
    """Opgeschort: add what the CIZ asked for; when it is all there the application resumes."""
    aanvraag = _own(request, pk)
    form = AanvullenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.supplement(
                request.user,
                aanvraag,
                _uploads(request),
                form.cleaned_data["opmerking"],
                request=request,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request,
                _("Dank u, de aanvulling is ontvangen. De behandeling gaat verder."),
            )
            return redirect("aanvragen:detail", aanvraag.pk)
    codes = aanvraag.opschorting_nodig or []
    kinds = {k.code: k for k in BijlageSoort.objects.all()}
    inputs = []
    for code in codes:
        kind = kinds.get(BijlageSoort.ONDERTEKENING if code == NODIG_HANDTEKENING else code)
        if kind is not None:
            inputs.append({"kind": kind, "needed": True, "present": 0})
    if BijlageSoort.OVERIG in kinds and BijlageSoort.OVERIG not in codes:
        inputs.append({"kind": kinds[BijlageSoort.OVERIG], "needed": False, "present": 0})
    return render(
        request,
        "aanvragen/supplement.html",
        {
            "aanvraag": aanvraag,
            "form": form,
            "file_inputs": inputs,
            "nodig": workflow.need_labels(codes),
            "limits": _limits(),
            "may": workflow.allowed(aanvraag, "supplement"),
        },
        status=400 if form.errors else 200,
    )


# --- attachments ------------------------------------------------------------------------------


def _bijlage(aanvraag: Aanvraag, bijlage_id: int) -> Bijlage:
    bijlage = (
        Bijlage.objects.select_related("aanvraag").filter(pk=bijlage_id, aanvraag=aanvraag).first()
    )
    if bijlage is None:
        raise Http404
    return bijlage


@login_required
@never_cache
def bijlage_download(request, pk: int, bijlage: int):
    """The only way to an attachment's file: authorised, and logged NEN 7513 style."""
    aanvraag = _own(request, pk)
    return attachment_response(request, _bijlage(aanvraag, bijlage))


def attachment_response(request, bijlage: Bijlage) -> HttpResponse:
    try:
        content = services.download(request.user, bijlage, request=request)
    except ValidationError:
        raise Http404 from None
    response = HttpResponse(content, content_type=bijlage.content_type)
    response["Content-Disposition"] = content_disposition_header(True, bijlage.bestandsnaam)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@never_cache
def bijlage_remove(request, pk: int, bijlage: int):
    aanvraag = _own(request, pk)
    found = _bijlage(aanvraag, bijlage)
    refused = _post_only(request)
    if refused:
        return refused
    try:
        services.remove_attachment(request.user, found, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De bijlage is verwijderd."))
    if aanvraag.is_concept:
        return redirect("aanvragen:edit", aanvraag.pk)
    return redirect("aanvragen:detail", aanvraag.pk)
