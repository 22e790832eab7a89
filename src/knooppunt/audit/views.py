""" "Logboek": the administrator reads its own organisation's trail, the operator every
organisation's; in words (audit.describe), filtered, paged and exported as CSV."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from knooppunt.usermanagement import csvio

from . import describe, logbook
from .forms import AuditFilterForm

PAGE_SIZE = 50
FILTERS = ("van", "tot", "actie", "gebruiker", "organisatie")


def _filtered(request):
    organisation_id, operator = logbook.scope(request.user, request.GET.get("organisatie"))
    form = AuditFilterForm(request.GET or None, operator=operator)
    return form, logbook.events(organisation_id, form), organisation_id, operator


@login_required
@never_cache
def log(request):
    form, events, _organisation_id, _operator = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("pagina"))
    params = request.GET.copy()
    params.pop("pagina", None)
    rows = [
        {
            "event": event,
            "label": describe.label(event.action),
            "details": describe.phrases(event.action, event.details),
        }
        for event in page.object_list
    ]
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "rows": rows, "filter_query": params.urlencode()},
    )


@login_required
@never_cache
def export(request):
    form, events, organisation_id, operator = _filtered(request)
    filters = {k: v for k, v in request.GET.items() if k in FILTERS and v}
    logbook.record_export(request.user, organisation_id, filters, request=request)
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
        # Personal details (a typed login name, a reason for deletion) stay out of an
        # administrator's export; the operator's export has them.
        for event in events.iterator(chunk_size=2000):
            yield [
                event.pk,
                csvio.format_datetime(event.timestamp),
                event.actor_username,
                event.organisation_id or "",
                describe.label(event.action),
                event.object_repr,
                event.ip_address or "",
                event.get_outcome_display(),
                describe.sentence(event.action, event.details, include_personal=operator),
            ]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csvio.csv_response(f"logboek-{stamp}.csv", header, rows())
