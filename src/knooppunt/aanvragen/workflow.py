"""The status workflow of an application and what it needs before it can be submitted.

    Concept -> Ingediend -> Ontvangen -> In behandeling -> Besluit (toegekend / afgewezen)
    Ontvangen / In behandeling -> Opgeschort -> back where it was (the submitter supplements)
    Ingediend / Ontvangen / In behandeling / Opgeschort -> Ingetrokken (by the submitter)

A step the workflow does not allow is a ValidationError with a Dutch message, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    NODIG_HANDTEKENING,
    OPEN,
    Aanvraag,
    BijlageSoort,
    ChecklistItem,
    Ondertekenaar,
    Ondertekening,
    Status,
)


@dataclass(frozen=True)
class Step:
    name: str
    sources: tuple[str, ...]
    target: str | None  # None: back to the status before the suspension
    label: Promise  # what the step is called in a refusal: "Een besluit nemen"


STEPS = {
    step.name: step
    for step in [
        Step("submit", (Status.CONCEPT,), Status.INGEDIEND, gettext_lazy("Indienen")),
        Step(
            "confirm_receipt",
            (Status.INGEDIEND,),
            Status.ONTVANGEN,
            gettext_lazy("De ontvangst bevestigen"),
        ),
        Step(
            "start_assessment",
            (Status.ONTVANGEN,),
            Status.IN_BEHANDELING,
            gettext_lazy("In behandeling nemen"),
        ),
        Step(
            "suspend",
            (Status.ONTVANGEN, Status.IN_BEHANDELING),
            Status.OPGESCHORT,
            gettext_lazy("Opschorten"),
        ),
        Step("supplement", (Status.OPGESCHORT,), None, gettext_lazy("Aanvullen")),
        Step("decide", (Status.IN_BEHANDELING,), Status.BESLUIT, gettext_lazy("Een besluit nemen")),
        Step("withdraw", OPEN, Status.INGETROKKEN, gettext_lazy("Intrekken")),
        Step("edit", (Status.CONCEPT,), Status.CONCEPT, gettext_lazy("Wijzigen")),
        Step("delete", (Status.CONCEPT,), None, gettext_lazy("Verwijderen")),
    ]
}


def allowed(aanvraag: Aanvraag, step: str) -> bool:
    return aanvraag.status in STEPS[step].sources and not aanvraag.minimised


def check(aanvraag: Aanvraag, step: str) -> str:
    """The status the step leads to, or a ValidationError saying why it cannot be taken."""
    spec = STEPS[step]
    if aanvraag.minimised:
        raise ValidationError(
            _("Van deze aanvraag zijn de gegevens na de bewaartermijn verwijderd."), code="gone"
        )
    if aanvraag.status not in spec.sources:
        labels = [str(Status(s).label) for s in spec.sources]
        if len(labels) == 1:
            message = _(
                "%(step)s kan niet bij een aanvraag met de status %(status)s; dat kan alleen bij "
                "de status %(allowed)s."
            )
            allowed_from = labels[0]
        else:
            message = _(
                "%(step)s kan niet bij een aanvraag met de status %(status)s; dat kan alleen bij "
                "de statussen %(allowed)s."
            )
            allowed_from = _("%(first)s of %(last)s") % {
                "first": ", ".join(labels[:-1]),
                "last": labels[-1],
            }
        raise ValidationError(
            message
            % {
                "status": aanvraag.get_status_display(),
                "step": spec.label,
                "allowed": allowed_from,
            },
            code="workflow",
        )
    return spec.target or aanvraag.status_voor_opschorting or Status.ONTVANGEN


# --- what is needed to submit -----------------------------------------------------------------


def required_kinds(soort: str) -> list[BijlageSoort]:
    """The attachment kinds the checklist requires for this kind of application."""
    return [
        item.bijlagesoort
        for item in ChecklistItem.objects.filter(soort=soort, verplicht=True)
        .select_related("bijlagesoort")
        .order_by("bijlagesoort__volgorde", "bijlagesoort__naam")
    ]


def has_signature(aanvraag: Aanvraag) -> bool:
    return (
        aanvraag.ondertekening == Ondertekening.ONDERTEKEND
        and aanvraag.bijlagen.filter(soort__code=BijlageSoort.ONDERTEKENING).exists()
    )


def missing(aanvraag: Aanvraag) -> list[str]:
    """What the application still lacks to be submitted, in words, in the form's order."""
    gaps: list[str] = []
    for field, label in [
        ("bsn", _("BSN van de cliënt")),
        ("voorletters", _("voorletters van de cliënt")),
        ("achternaam", _("achternaam van de cliënt")),
    ]:
        if not getattr(aanvraag, field):
            gaps.append(label)
    if aanvraag.geboortedatum is None:
        gaps.append(_("geboortedatum van de cliënt"))
    if aanvraag.spoed and not aanvraag.spoed_reden.strip():
        gaps.append(_("reden van spoed"))
    datum = aanvraag.datum
    if datum is not None and datum.verplicht and aanvraag.gewenste_datum is None:
        gaps.append(str(datum.label).lower())
    if aanvraag.ondertekenaar == Ondertekenaar.VERTEGENWOORDIGER:
        if not aanvraag.vertegenwoordiger_naam.strip():
            gaps.append(_("naam van de vertegenwoordiger"))
        if not aanvraag.vertegenwoordiger_relatie.strip():
            gaps.append(_("relatie van de vertegenwoordiger tot de cliënt"))
    if not aanvraag.aanmelder_functie.strip():
        gaps.append(_("functie van de aanmelder"))
    if not aanvraag.aanmelder_telefoon.strip():
        gaps.append(_("telefoonnummer van de aanmelder"))
    present = set(aanvraag.bijlagen.values_list("soort__code", flat=True))
    for kind in required_kinds(aanvraag.soort):
        if kind.code not in present:
            gaps.append(_("bijlage: %(soort)s") % {"soort": kind.naam})
    if (
        aanvraag.ondertekening == Ondertekening.ONDERTEKEND
        and BijlageSoort.ONDERTEKENING not in present
    ):
        naam = (
            BijlageSoort.objects.filter(code=BijlageSoort.ONDERTEKENING)
            .values_list("naam", flat=True)
            .first()
        )
        gaps.append(_("bijlage: %(soort)s") % {"soort": naam or BijlageSoort.ONDERTEKENING})
    return gaps


def still_needed(aanvraag: Aanvraag) -> list[str]:
    """While suspended: what the operator asked for that is not there yet, in words."""
    gaps: list[str] = []
    since = aanvraag.opgeschort_sinds
    added = set(
        aanvraag.bijlagen.filter(toegevoegd_at__gte=since).values_list("soort__code", flat=True)
        if since
        else []
    )
    names = dict(BijlageSoort.objects.values_list("code", "naam"))
    for need in aanvraag.opschorting_nodig or []:
        if need == NODIG_HANDTEKENING:
            if not has_signature(aanvraag) or BijlageSoort.ONDERTEKENING not in added:
                gaps.append(_("de handtekening (het ondertekende aanvraagformulier)"))
        elif need not in added:
            gaps.append(_("bijlage: %(soort)s") % {"soort": names.get(need, need)})
    return gaps


def need_labels(codes: list[str]) -> list[str]:
    names = dict(BijlageSoort.objects.values_list("code", "naam"))
    return [
        _("handtekening") if code == NODIG_HANDTEKENING else names.get(code, code) for code in codes
    ]
