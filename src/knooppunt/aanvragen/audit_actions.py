"""The audit actions of Wlz-aanvragen. "client" is the keyed hash of the client's BSN (the
NEN 7513 log of who opened whose application): personal data, so not in the administrators'
export."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import BelongsTo, Group, register

_DETAILS = {"soort": _("aanvraagsoort"), "status": _("status")}

register(
    "aanvragen.draft_saved", _("Aanvraag als concept opgeslagen"), Group.PRODUCTS, details=_DETAILS
)
register(
    "aanvragen.draft_deleted", _("Concept-aanvraag verwijderd"), Group.PRODUCTS, details=_DETAILS
)
register("aanvragen.submitted", _("Aanvraag ingediend"), Group.PRODUCTS, details=_DETAILS)
register("aanvragen.withdrawn", _("Aanvraag ingetrokken"), Group.PRODUCTS, details=_DETAILS)
register(
    "aanvragen.supplemented",
    _("Aanvraag aangevuld"),
    Group.PRODUCTS,
    details={**_DETAILS, "bijlagen": _("bijlagen")},
)
register(
    "aanvragen.receipt_confirmed",
    _("Ontvangst van aanvraag bevestigd"),
    Group.PRODUCTS,
    details=_DETAILS,
)
register(
    "aanvragen.assessment_started",
    _("Aanvraag in behandeling genomen"),
    Group.PRODUCTS,
    details=_DETAILS,
)
register(
    "aanvragen.suspended",
    _("Aanvraag opgeschort"),
    Group.PRODUCTS,
    details={**_DETAILS, "nodig": _("nodig")},
)
register(
    "aanvragen.decided",
    _("Besluit op aanvraag"),
    Group.PRODUCTS,
    details={**_DETAILS, "uitkomst": _("besluit"), "besluitdatum": _("besluitdatum")},
)
register(
    "aanvragen.attachment_added",
    _("Bijlage toegevoegd"),
    Group.PRODUCTS,
    details={"soort": _("soort bijlage"), "content_type": _("type"), "grootte": _("grootte")},
)
register(
    "aanvragen.attachment_removed",
    _("Bijlage verwijderd"),
    Group.PRODUCTS,
    details={"soort": _("soort bijlage")},
)
register(
    "aanvragen.opened",
    _("Aanvraag ingezien"),
    Group.PRODUCTS,
    personal=("client",),
    details={"client": _("cliënt (sleutel van het BSN)")},
)
register(
    "aanvragen.attachment_downloaded",
    _("Bijlage van aanvraag gedownload"),
    Group.PRODUCTS,
    personal=("client",),
    details={"client": _("cliënt (sleutel van het BSN)"), "bijlage": _("bijlage")},
)
register(
    "aanvragen.minimised",
    _("Gegevens van afgehandelde aanvraag verwijderd"),
    Group.PRODUCTS,
    details={"bijlagen": _("bijlagen verwijderd")},
)
register(
    "aanvragen.checklist_changed",
    _("Checklist van aanvraagsoort gewijzigd"),
    Group.CONSOLE,
    belongs_to=BelongsTo.OPERATOR,
    details={
        "soort": _("aanvraagsoort"),
        "bijlagesoort": _("soort bijlage"),
        "verplicht": _("verplicht"),
    },
)
register(
    "aanvragen.attachment_kind_changed",
    _("Soort bijlage gewijzigd"),
    Group.CONSOLE,
    belongs_to=BelongsTo.OPERATOR,
    details={"code": _("code"), "naam": _("naam")},
)
