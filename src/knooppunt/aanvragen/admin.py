"""The operator's side of Wlz-aanvragen in the console: "Aanvragen" as a work queue (filters by
status, organisation, kind and late; sorted by deadline), an application's page with its
actions (confirm receipt, take into assessment, suspend, decide: each a service), and the
checklist per kind with the attachment kinds it names."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from knooppunt.access import rules
from knooppunt.core.forms import show_errors
from knooppunt.operators.admin import OperatorAdmin, operator_site

from . import selectors, services, termijnen
from .forms import BesluitForm, OpmerkingForm, OpschortenForm
from .models import Aanvraag, Bijlage, BijlageSoort, ChecklistItem, Status
from .views import attachment_response, detail_context


class LateFilter(admin.SimpleListFilter):
    title = _("te laat")
    parameter_name = "te_laat"

    def lookups(self, request, model_admin):
        return [
            ("ja", _("Te laat (beslissing of ontvangst)")),
            ("beslissen", _("Beslistermijn verstreken")),
            ("ontvangst", _("Ontvangst niet binnen 3 werkdagen bevestigd")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        condition = {
            "ja": termijnen.late_q,
            "beslissen": termijnen.decision_late_q,
            "ontvangst": termijnen.receipt_late_q,
        }.get(self.value() or "")
        return queryset.filter(condition(now)) if condition else queryset


class StatusFilter(admin.SimpleListFilter):
    """The statuses of the queue: a concept is never in it."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(value, label) for value, label in Status.choices if value != Status.CONCEPT]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(status=value) if value in Status.values else queryset


# The actions of the application's page: the form, the service, its button and the statuses
# at which it is offered.
ACTIONS = {
    "ontvangst": (OpmerkingForm, _("Ontvangst bevestigen"), (Status.INGEDIEND,)),
    "behandelen": (OpmerkingForm, _("In behandeling nemen"), (Status.ONTVANGEN,)),
    "opschorten": (
        OpschortenForm,
        _("Opschorten"),
        (Status.ONTVANGEN, Status.IN_BEHANDELING),
    ),
    "besluit": (BesluitForm, _("Besluit vastleggen"), (Status.IN_BEHANDELING,)),
}


def _run(action: str, request, aanvraag: Aanvraag, data: dict):
    actor = request.user
    if action == "ontvangst":
        return services.confirm_receipt(actor, aanvraag, data["opmerking"], request=request)
    if action == "behandelen":
        return services.start_assessment(actor, aanvraag, data["opmerking"], request=request)
    if action == "opschorten":
        return services.suspend(actor, aanvraag, data["reden"], data["nodig"], request=request)
    return services.decide(
        actor,
        aanvraag,
        data["uitkomst"],
        data["besluitdatum"],
        data["opmerking"],
        request=request,
    )


@admin.register(Aanvraag, site=operator_site)
class AanvraagAdmin(OperatorAdmin):
    list_display = (
        "nummer",
        "organisation",
        "soort",
        "status_kolom",
        "spoed",
        "ingediend_at",
        "termijn_kolom",
    )
    list_filter = (
        StatusFilter,
        ("organisation", admin.RelatedOnlyFieldListFilter),
        "soort",
        LateFilter,
        "spoed",
    )
    list_select_related = ("organisation",)
    ordering = (F("termijn_tot").asc(nulls_last=True), "id")
    search_fields = ("id",)  # the search box; get_search_results reads the term itself
    search_help_text = _("Aanvraagnummer, het hele BSN of de achternaam van de cliënt.")
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # every change is one of the page's actions, each a service

    def has_view_permission(self, request, obj=None):
        return rules.can(request.user, "aanvragen.handle")

    def has_module_permission(self, request):
        return rules.can(request.user, "aanvragen.handle")

    def get_queryset(self, request):
        return selectors.work_queue(request.user)

    def get_search_results(self, request, queryset, search_term):
        return queryset.filter(selectors.search_q(search_term)), False

    @admin.display(description=_("nummer"), ordering="id")
    def nummer(self, obj):
        return obj.pk  # the console links the first column to the application's page

    @admin.display(description=_("status"), ordering="status")
    def status_kolom(self, obj):
        if obj.uitkomst:
            return f"{obj.get_status_display()}: {obj.get_uitkomst_display()}"
        return obj.get_status_display()

    @admin.display(description=_("beslistermijn"), ordering="termijn_tot")
    def termijn_kolom(self, obj):
        state = termijnen.termijn(obj)
        if state.deadline is None:
            return "—"
        text = timezone.localtime(state.deadline).strftime("%d-%m-%Y")
        flags = []
        if state.paused:
            flags.append(_("gepauzeerd"))
        if state.late:
            flags.append(_("TE LAAT"))
        if state.receipt_late:
            flags.append(_("ontvangst te laat"))
        if not flags:
            return text
        shown = ", ".join(map(str, flags))
        return format_html('{} <strong class="flag late">{}</strong>', text, shown)

    def get_urls(self):
        custom = [
            path(
                "<int:pk>/actie/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name="aanvragen_aanvraag_action",
            ),
            path(
                "<int:pk>/bijlagen/<int:bijlage>/",
                self.admin_site.admin_view(self.download_view),
                name="aanvragen_aanvraag_download",
            ),
        ]
        return custom + super().get_urls()

    def _get(self, request, pk) -> Aanvraag:
        aanvraag = self.get_queryset(request).filter(pk=pk).first()
        if aanvraag is None:
            raise Http404
        return aanvraag

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            raise Http404 from None
        aanvraag = self._get(request, pk)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        services.record_opened(request.user, aanvraag, request=request)
        return self._page(request, aanvraag)

    def _page(self, request, aanvraag: Aanvraag, bound: tuple[str, object] | None = None):
        forms = []
        for key, (form_class, label, statuses) in ACTIONS.items():
            if aanvraag.status not in statuses and not (bound and bound[0] == key):
                continue
            form = bound[1] if bound and bound[0] == key else form_class(prefix=key)
            forms.append({"key": key, "label": label, "form": form})
        context = {
            **self.admin_site.each_context(request),
            **detail_context(aanvraag),
            "title": _("Aanvraag (%(nr)s)") % {"nr": aanvraag.pk},
            "opts": self.model._meta,
            "action_forms": forms,
            "download_url": "operator:aanvragen_aanvraag_download",
        }
        return TemplateResponse(
            request,
            "admin/aanvragen/aanvraag/detail.html",
            context,
            status=400 if bound else 200,
        )

    def action_view(self, request, pk: int, action: str):
        aanvraag = self._get(request, pk)
        if action not in ACTIONS:
            raise Http404
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = ACTIONS[action][0](request.POST, prefix=action)
        if form.is_valid():
            try:
                _run(action, request, aanvraag, form.cleaned_data)
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                aanvraag.refresh_from_db()
                messages.success(
                    request,
                    _("Aanvraag (%(nr)s) heeft nu de status %(status)s.")
                    % {"nr": aanvraag.pk, "status": aanvraag.get_status_display()},
                )
                return redirect("operator:aanvragen_aanvraag_change", aanvraag.pk)
        aanvraag.refresh_from_db()
        return self._page(request, aanvraag, bound=(action, form))

    def download_view(self, request, pk: int, bijlage: int):
        aanvraag = self._get(request, pk)
        found = Bijlage.objects.select_related("aanvraag").filter(pk=bijlage, aanvraag=aanvraag)
        if not found.exists():
            raise Http404
        return attachment_response(request, found.get())


@admin.register(BijlageSoort, site=operator_site)
class BijlageSoortAdmin(OperatorAdmin):
    list_display = ("naam", "code", "volgorde")

    def get_readonly_fields(self, request, obj=None):
        # The code is what the checklist, the webservice and suspensions refer to.
        return ("code",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        services.save_attachment_kind(request.user, obj, list(form.changed_data), request=request)


@admin.register(ChecklistItem, site=operator_site)
class ChecklistItemAdmin(OperatorAdmin):
    list_display = ("soort", "bijlagesoort", "verplicht")
    list_filter = ("soort", "verplicht")
    list_select_related = ("bijlagesoort",)

    def save_model(self, request, obj, form, change):
        services.save_checklist_item(request.user, obj, list(form.changed_data), request=request)
