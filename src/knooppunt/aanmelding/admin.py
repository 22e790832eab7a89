"""The operator's queue of "Aanmelden gebruikersbeheerder" requests in the console: read the
request and its PDFs, then accept (organisation, agreements and administrator in one step) or
reject with a reason that is mailed to the applicant. Every step goes through the services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from knooppunt.core.forms import show_errors
from knooppunt.operators.admin import OperatorAdmin, operator_site

from . import services
from .forms import AcceptForm, RejectForm
from .models import Aanmelding, Document, Status


class OpenFilter(admin.SimpleListFilter):
    """The queue opens on the requests that wait for the operator."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("", _("wacht op beoordeling")), *Status.choices[1:], ("alle", _("alle"))]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "") == value,
                "query_string": changelist.get_query_string({self.parameter_name: value})
                if value
                else changelist.get_query_string(remove=[self.parameter_name]),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == "alle":
            return queryset
        return queryset.filter(status=value or Status.SUBMITTED)


@admin.register(Aanmelding, site=operator_site)
class AanmeldingAdmin(OperatorAdmin):
    list_display = ("naam", "created_at", "organisation_type", "kvk_nummer", "beheerder", "status")
    list_filter = (OpenFilter, "organisation_type")
    search_fields = ("naam", "kvk_nummer", "agb_code", "gemeentecode", "achternaam", "email")
    readonly_fields = (
        "status",
        "created_at",
        "organisation_type",
        "naam",
        "kvk_nummer",
        "agb_code",
        "gemeentecode",
        "woonplaats",
        "email_domain",
        "voorletters",
        "voornaam",
        "tussenvoegsel",
        "achternaam",
        "email",
        "uzi_nummer",
        "telefoonnummer",
        "overeenkomsten",
        "handled_at",
        "handled_by_username",
        "rejection_reason",
        "organisation",
        "administrator",
    )
    fieldsets = (
        (None, {"fields": ("status", "created_at")}),
        (
            _("De organisatie"),
            {
                "fields": (
                    "organisation_type",
                    "naam",
                    "kvk_nummer",
                    "agb_code",
                    "gemeentecode",
                    "woonplaats",
                    "email_domain",
                )
            },
        ),
        (
            _("De gebruikersbeheerder"),
            {
                "fields": (
                    "voorletters",
                    "voornaam",
                    "tussenvoegsel",
                    "achternaam",
                    "email",
                    "uzi_nummer",
                    "telefoonnummer",
                )
            },
        ),
        (_("Ondertekende overeenkomsten"), {"fields": ("overeenkomsten",)}),
        (
            _("Afhandeling"),
            {
                "fields": (
                    "handled_at",
                    "handled_by_username",
                    "rejection_reason",
                    "organisation",
                    "administrator",
                )
            },
        ),
    )

    def has_add_permission(self, request):
        return False  # requests come from the public form

    def has_change_permission(self, request, obj=None):
        return False  # read-only: accepting and rejecting have their own pages

    @admin.display(description=_("gebruikersbeheerder"))
    def beheerder(self, obj):
        return obj.naam_beheerder

    @admin.display(description=_("overeenkomsten"))
    def overeenkomsten(self, obj):
        docs = list(obj.documents.select_related("kind"))
        if not docs:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({}, {} kB)</li>',
                (
                    (
                        reverse("operator:aanmelding_document", args=[d.pk]),
                        d.kind.naam,
                        d.filename,
                        max(1, d.size // 1024),
                    )
                    for d in docs
                ),
            ),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/accepteren/", view(self.accept_view), name="aanmelding_accept"),
            path("<int:pk>/afwijzen/", view(self.reject_view), name="aanmelding_reject"),
            path("document/<int:pk>/", view(self.document_view), name="aanmelding_document"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and obj.status == Status.SUBMITTED:
            extra_context["accept_url"] = reverse("operator:aanmelding_accept", args=[obj.pk])
            extra_context["reject_url"] = reverse("operator:aanmelding_reject", args=[obj.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def _open(self, pk) -> Aanmelding:
        aanmelding = get_object_or_404(Aanmelding, pk=pk)
        if aanmelding.status != Status.SUBMITTED:
            raise Http404
        return aanmelding

    def _context(self, request, aanmelding, form, title):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "aanmelding": aanmelding,
            "opts": self.model._meta,
            "change_url": reverse("operator:aanmelding_aanmelding_change", args=[aanmelding.pk]),
        }

    def accept_view(self, request, pk):
        aanmelding = self._open(pk)
        candidates = services.candidates(aanmelding)
        form = AcceptForm(request.POST or None, candidates=candidates)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            existing = data["existing"] if data["choice"] == AcceptForm.EXISTING else None
            try:
                organisation, administrator = services.accept(
                    request.user,
                    aanmelding,
                    organisation=existing,
                    products=[p.code for p in data["products"]],
                    signed_on=data["signed_on"],
                    request=request,
                )
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Aanmelding geaccepteerd: %(org)s (%(id)s) met gebruikersbeheerder "
                        "%(login)s; de uitnodiging is verstuurd."
                    )
                    % {"org": organisation, "id": organisation.pk, "login": administrator.username},
                )
                return redirect("operator:organisations_organisation_change", organisation.pk)
        title = _("Aanmelding van %(naam)s accepteren") % {"naam": aanmelding.naam}
        context = self._context(request, aanmelding, form, title)
        context["candidates"] = candidates
        return TemplateResponse(request, "admin/aanmelding/accept.html", context)

    def reject_view(self, request, pk):
        aanmelding = self._open(pk)
        form = RejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.reject(
                    request.user, aanmelding, form.cleaned_data["reason"], request=request
                )
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Aanmelding afgewezen; de aanvrager krijgt de reden per e-mail."),
                )
                return redirect("operator:aanmelding_aanmelding_changelist")
        title = _("Aanmelding van %(naam)s afwijzen") % {"naam": aanmelding.naam}
        return TemplateResponse(
            request,
            "admin/aanmelding/reject.html",
            self._context(request, aanmelding, form, title),
        )

    def document_view(self, request, pk):
        document = get_object_or_404(Document.objects.select_related("kind", "aanmelding"), pk=pk)
        content = services.open_document(request.user, document, request=request)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{document.filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response
