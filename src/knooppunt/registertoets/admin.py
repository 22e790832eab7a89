"""The operator console's Wlz-Registertoets pages: the register's import (uploaded, processed by
a job, its progress on the page), "Wie heeft dit BSN geraadpleegd?" with the disclosure report
for a client's AVG article 15 request, and the ZZP code list."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.access import rules
from knooppunt.core.forms import show_errors
from knooppunt.operators.admin import OperatorAdmin, operator_site

from . import services
from .forms import InzageForm, RegisterImportForm
from .models import Raadpleging, RegisterImport, Zorgzwaartepakket


@admin.register(RegisterImport, site=operator_site)
class RegisterImportAdmin(OperatorAdmin):
    list_display = (
        "created_at",
        "filename",
        "mode",
        "status",
        "rows_read",
        "error_count",
        "created_by_username",
        "channel",
    )
    list_filter = ("status", "mode", "channel")

    def has_add_permission(self, request):
        return rules.can(request.user, "registertoets.import")

    def has_change_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise Http404
        form = RegisterImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["bestand"]
            try:
                register_import = services.open_import(
                    request.user,
                    mode=form.cleaned_data["mode"],
                    filename=upload.name,
                    channel="console",
                    upload=upload,
                    request=request,
                )
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Het bestand is ontvangen en wordt verwerkt. "
                        "Deze pagina toont de voortgang."
                    ),
                )
                return HttpResponseRedirect(
                    reverse(
                        "operator:registertoets_registerimport_change", args=[register_import.pk]
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Wlz-register importeren"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/registertoets/import_form.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        register_import = self.get_object(request, object_id)
        if register_import is None or not self.has_view_permission(request, register_import):
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import van het Wlz-register (%(id)s)") % {"id": register_import.pk},
            "register_import": register_import,
            "opts": self.model._meta,
            "errors_shown": services.ERRORS_KEPT,
        }
        return TemplateResponse(request, "admin/registertoets/import_detail.html", context)


@admin.register(Raadpleging, site=operator_site)
class RaadplegingAdmin(OperatorAdmin):
    """Not a list of every lookup: a search by BSN (POST, so the number stays out of URLs and
    access logs), itself logged."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return rules.can(request.user, "registertoets.inzage")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("operator:registertoets_raadpleging_changelist"))

    def changelist_view(self, request, extra_context=None):
        form = InzageForm(request.POST or None)
        found = None
        if request.method == "POST" and form.is_valid():
            export = "export" in request.POST
            try:
                found = services.inzage(
                    request.user, form.cleaned_data["bsn"], export=export, request=request
                )
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                if export:
                    return disclosure_report(form.cleaned_data["bsn"], found)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Wie heeft dit BSN geraadpleegd?"),
            "form": form,
            "found": found,
            "opts": self.model._meta,
            "retention_years": round(settings.KNOOPPUNT_REGISTERTOETS_LOG_DAYS / 365),
        }
        return TemplateResponse(request, "admin/registertoets/inzage.html", context)


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def disclosure_report(bsn: str, found: list[Raadpleging]) -> HttpResponse:
    """The client's report (AVG art. 15): when, which organisation, why, the answer and the
    channel of every lookup kept. The employee's login name stays out: the organisation is the
    recipient the client is told of, and it can name its employee if asked."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Datum en tijd"),
            _("Organisatie"),
            _("Reden van raadpleging"),
            _("Antwoord"),
            _("Kanaal"),
            _("Peildatum"),
        ]
    )
    for row in found:
        writer.writerow(
            [
                _cell(timezone.localtime(row.timestamp).strftime("%d-%m-%Y %H:%M")),
                _cell(row.organisation_naam),
                _cell(row.get_reden_display()),
                _cell(row.get_uitkomst_display()),
                _cell(row.get_kanaal_display()),
                _cell(row.peildatum.strftime("%d-%m-%Y")),
            ]
        )
    stamp = timezone.localdate().isoformat()
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="inzageverslag-wlz-registertoets-{bsn[-4:]}-{stamp}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response


@admin.register(Zorgzwaartepakket, site=operator_site)
class ZorgzwaartepakketAdmin(OperatorAdmin):
    list_display = ("code", "omschrijving", "ingangsdatum", "expiratiedatum")
    search_fields = ("code", "omschrijving")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
