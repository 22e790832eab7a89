"""The screens of berichtenverkeer (SPEC 7.1): "Ontvangen berichten", "Verzonden berichten",
"Afgekeurd", "Bestand aanbieden" and a message's page. Views parse, call a service or a selector
and render; who may see what is decided in `rules`, and another organisation's id is a 404 for
every method."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import dateformat, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from knooppunt.access import rules
from knooppunt.core.http import url_for_each

from . import payloads, selectors, services
from . import rules as exchange_rules
from .forms import SORTS, MessageFilterForm, UploadForm
from .models import Channel
from .standards.registry import PRODUCTS
from .validation.base import Finding
from .validation.checks import size as size_check
from .validation.report import validation_report

MAX_SELECTION = 100
# Room for the multipart envelope around a file of the largest allowed size.
UPLOAD_OVERHEAD = 64 * 1024


def _actor(request):
    """The user's principal, made once per request (it loads the role grants)."""
    if not hasattr(request, "_exchange_actor"):
        request._exchange_actor = request.user.as_principal()
    return request._exchange_actor


def _products(request, product: str | None = None) -> list[str]:
    """The products the user uses here; none: the pages do not exist for it. An organisation id
    in the query string (the lists show the user's own organisation only) is a 404 too."""
    raw = request.GET.get("organisatie") or request.POST.get("organisatie")
    if raw and raw != str(request.user.organisation_id):
        raise Http404
    rules.require(_actor(request), "exchange.use", product)
    return exchange_rules.used_products(_actor(request))


# --- the lists ---------------------------------------------------------------------------------


@login_required
@never_cache
def inbox(request):
    return _list(request, outbox=False)


@login_required
@never_cache
def outbox(request):
    return _list(request, outbox=True)


def _list(request, *, outbox: bool):
    products = _products(request)
    form = MessageFilterForm(request.GET or None, products=products, outbox=outbox)
    filters = form.cleaned_data if form.is_valid() else {}
    listing = selectors.messages(
        _actor(request), outbox=outbox, filters=filters, page=request.GET.get("pagina")
    )
    today = timezone.localdate()
    base = {k: v for k, v in request.GET.items() if k not in ("pagina", "sorteer") and v}
    headers = []
    for key, label in [
        ("datum", _("Ontvangen op")),
        ("type", _("Berichttype")),
        ("identificatie", _("BerichtIdentificatie")),
        ("tegenpartij", _("Ontvanger") if outbox else _("Afzender")),
        ("status", _("Status")),
    ]:
        current = listing.sort.lstrip("-") == key
        descending = listing.sort.startswith("-")
        target = f"-{key}" if current and not descending else key
        if key == "datum" and not current:
            target = "-datum"
        headers.append(
            {
                "key": key,
                "label": label,
                "url": "?" + urlencode({**base, "sorteer": target}),
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    detail = url_for_each("exchange:detail")
    rows = [
        _row(message, outbox=outbox, today=today, detail=detail)
        for message in listing.page.object_list
    ]
    page_query = {**base, "sorteer": listing.sort}
    return render(
        request,
        "exchange/list.html",
        {
            "outbox": outbox,
            "title": _("Verzonden berichten") if outbox else _("Ontvangen berichten"),
            "form": form,
            "page": listing.page,
            "rows": rows,
            "headers": headers,
            "previous_query": "?" + urlencode({**page_query, "pagina": listing.page.number - 1})
            if listing.page.has_previous()
            else "",
            "next_query": "?" + urlencode({**page_query, "pagina": listing.page.number + 1})
            if listing.page.has_next()
            else "",
            "sorts": SORTS,
            "max_selection": MAX_SELECTION,
            # The column names again on each cell, for the stacked layout on a phone.
            "labels": {h["key"]: h["label"] for h in headers},
            "label_retour": _("Retour"),
            "removed": _("inhoud verwijderd"),
        },
    )


def _row(message, *, outbox: bool, today, detail) -> dict:
    """One line of a list, its texts made here: a page of 25 lines formatted in the template
    cost as much as the rest of the page."""
    counterpart = message.receiver if outbox else message.sender
    code = message.ontvanger_code if outbox else message.afzender_code
    late = outbox and message.is_late(today)
    retour = ""
    if outbox:
        due = dateformat.format(message.retour_due_on, "d-m-Y") if message.retour_due_on else ""
        if late:
            retour = _("Te laat (uiterlijk %(d)s)") % {"d": due}
        elif message.answered_at:
            retour = _("Ontvangen")
        elif due:
            retour = _("Uiterlijk %(d)s") % {"d": due}
    retrieved = ""
    if message.status == "opgehaald" and message.retrieved_at:
        retrieved = dateformat.format(timezone.localtime(message.retrieved_at), "d-m-Y H:i")
    return {
        "pk": message.pk,
        "choose": _("Kies %(t)s %(i)s") % {"t": message.message_type, "i": message.identificatie},
        "available": message.payload_available,
        "created": dateformat.format(timezone.localtime(message.created_at), "d-m-Y H:i"),
        "type": message.message_type,
        "url": detail(message.pk),
        "identificatie": message.identificatie,
        "counterpart": f"{counterpart} ({code})",
        "status": message.get_status_display(),
        "retrieved": retrieved,
        "late": late,
        "retour": retour,
    }


# --- one message -------------------------------------------------------------------------------


@login_required
@never_cache
def detail(request, pk: int):
    message = selectors.message_or_404(_actor(request), pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    own = request.user.organisation_id
    return render(
        request,
        "exchange/detail.html",
        {
            "message": message,
            "received": message.receiver_id == own,
            "history": list(message.history.all()),
            "related": selectors.related(message),
            "late": message.sender_id == own and message.is_late(),
            "size": filesizeformat(message.size),
        },
    )


def _zip_name(message) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", message.identificatie)[:40] or "bericht"
    return f"{message.message_type}-{safe}-{message.pk}.xml"


def _gone(request, messages):
    return render(request, "exchange/payload_removed.html", {"messages": messages}, status=410)


@login_required
@never_cache
def download(request, pk: int):
    message = selectors.message_or_404(_actor(request), pk, "exchange.download")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not message.payload_available:
        return _gone(request, [message])
    services.download(_actor(request), [message], request=request)
    response = FileResponse(
        payloads.open_stream(message.payload),
        as_attachment=True,
        filename=_safe_filename(message.filename) or _zip_name(message),
        content_type="application/xml",
    )
    return response


def _safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._ -]+", "_", name)[:100]


@login_required
@never_cache
def download_many(request):
    _products(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    ids = [
        int(v)
        for v in request.POST.getlist("ids")[: MAX_SELECTION + 1]
        if v.isdigit() and len(v) <= 18
    ]
    if not ids:
        return _selection_error(request, _("Kies ten minste één bericht om te downloaden."))
    if len(ids) > MAX_SELECTION:
        return _selection_error(
            request, _("Kies ten hoogste %(n)d berichten per download.") % {"n": MAX_SELECTION}
        )
    messages = [
        selectors.message_or_404(_actor(request), pk, "exchange.download")
        for pk in dict.fromkeys(ids)
    ]
    removed = [m for m in messages if not m.payload_available]
    if removed:
        return _gone(request, removed)
    services.download(_actor(request), messages, as_zip=True, request=request)
    # Closed by FileResponse when the response is done.
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for message in messages:
            archive.writestr(_zip_name(message), payloads.read(message.payload))
    spool.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return FileResponse(
        spool, as_attachment=True, filename=f"berichten-{stamp}.zip", content_type="application/zip"
    )


def _selection_error(request, text: str):
    return render(request, "exchange/selection_error.html", {"text": text}, status=400)


# --- offering a file -------------------------------------------------------------------------


@login_required
@never_cache
def upload(request):
    products = _products(request)
    if request.method == "POST":
        raw = request.META.get("CONTENT_LENGTH") or "0"
        length = int(raw) if raw.isdigit() else 0
        if length > size_check.max_bytes() + UPLOAD_OVERHEAD:
            # Refused before the body is read: nothing of it is parsed or stored.
            form = UploadForm(products=products)
            finding = size_check.too_large(length)
            return render(
                request,
                "exchange/upload.html",
                {"form": form, "too_large": finding},
                status=413,
            )
    form = UploadForm(request.POST or None, request.FILES or None, products=products)
    if request.method != "POST" or not form.is_valid():
        return render(
            request,
            "exchange/upload.html",
            {"form": form},
            status=400 if request.method == "POST" else 200,
        )
    product = form.cleaned_data["product"]
    rules.require(_actor(request), "exchange.use", product)
    upload_file = form.cleaned_data["bestand"]
    data = upload_file.read(size_check.max_bytes() + 1)
    filename = upload_file.name or "bestand.xml"
    organisation = request.user.organisation
    action = request.POST.get("actie", "aanbieden")
    if action in ("controleren", "rapport"):
        checked = services.check_offer(_actor(request), organisation, product, filename, data)
        if action == "rapport":
            return _report_download(checked)
        results = [
            {
                "filename": c.offered.filename,
                "findings": c.report.findings,
                "ok": c.report.ok,
                "report": c.report,
            }
            for c in checked
        ]
        return render(
            request,
            "exchange/upload_result.html",
            {"results": results, "checked_only": True, "product": PRODUCTS[product]},
        )
    outcomes = services.offer(
        _actor(request),
        organisation,
        product,
        filename,
        data,
        channel=Channel.BROWSER,
        request=request,
    )
    results = [
        {
            "filename": o.filename,
            "findings": o.findings,
            "ok": o.accepted,
            "message": o.message,
            "refusal": o.refusal,
            "report": o.report,
        }
        for o in outcomes
    ]
    status = 200 if all(o.accepted for o in outcomes) else 422
    return render(
        request,
        "exchange/upload_result.html",
        {"results": results, "checked_only": False, "product": PRODUCTS[product]},
        status=status,
    )


def _report_download(checked) -> HttpResponse:
    """The check's findings in the iStandaarden validation-report shape (one file: its report;
    a ZIP: a ZIP of reports)."""
    now = timezone.now()
    reports = [
        (
            c.offered.filename,
            validation_report(
                c.report.findings,
                filename=c.offered.filename,
                message_type=c.report.message_type.name if c.report.message_type else "",
                identificatie=c.report.identificatie,
                when=now,
            ),
        )
        for c in checked
    ]
    if len(reports) == 1:
        response = HttpResponse(reports[0][1], content_type="application/xml")
        response["Content-Disposition"] = 'attachment; filename="validatierapport.xml"'
        return response
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, (name, body) in enumerate(reports, 1):
            archive.writestr(f"{index:03d}-{_safe_filename(name)}.rapport.xml", body)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="validatierapporten.zip"'
    return response


# --- "Afgekeurd" -------------------------------------------------------------------------------


@login_required
@never_cache
def refusals(request):
    _products(request)
    return render(
        request,
        "exchange/refusals.html",
        {"page": selectors.refusals(_actor(request), request.GET.get("pagina"))},
    )


@login_required
@never_cache
def refusal(request, refusal: int):
    found = selectors.refusal_or_404(_actor(request), refusal)
    return render(
        request,
        "exchange/refusal.html",
        {"refusal": found, "findings": [Finding.from_dict(f) for f in found.findings]},
    )


@login_required
@never_cache
def refusal_report(request, refusal: int):
    found = selectors.refusal_or_404(_actor(request), refusal)
    body = validation_report(
        [Finding.from_dict(f) for f in found.findings],
        filename=found.filename,
        message_type=found.message_type,
        identificatie=found.identificatie,
        when=found.created_at,
    )
    response = HttpResponse(body, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="validatierapport-{found.pk}.xml"'
    return response
