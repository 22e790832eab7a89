"""The doors of Wlz-aanvragen: every change of an application, for the screens, the console,
the webservice and the demo alike. Each asks the authorisation module, locks the application,
asks the workflow whether the step is allowed, changes it, writes its history line and its
audit event, and queues the status mail, in one transaction (core.doors).

Bad input is a ValidationError with Dutch messages (by field where there is one); nothing of a
refused call is written, attachment files included.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.access import rules
from knooppunt.access.principals import Actor, ActorKind, as_principal
from knooppunt.audit.services import record
from knooppunt.core.doors import after_service, nothing_changed, service
from knooppunt.jobs.mail import send_later
from knooppunt.organisations.models import Organisation

from . import bijlagen, clients, meldingen, opslag, termijnen, workflow
from .models import (
    NODIG_HANDTEKENING,
    Aanvraag,
    Bijlage,
    BijlageSoort,
    ChecklistItem,
    Ondertekenaar,
    Ondertekening,
    Status,
    Uitkomst,
    Wijziging,
)
from .soorten import DATUM, Soort, soorten_voor

# The fields a submitter fills in (screens and webservice alike).
FIELDS = (
    "bsn",
    "voorletters",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "spoed",
    "spoed_reden",
    "gewenste_datum",
    "toelichting",
    "ondertekenaar",
    "vertegenwoordiger_naam",
    "vertegenwoordiger_relatie",
    "ondertekening",
    "aanmelder_functie",
    "aanmelder_telefoon",
)
_TEXT_LIMITS = {
    "voorletters": 20,
    "tussenvoegsel": 30,
    "achternaam": 150,
    "spoed_reden": 2000,
    "toelichting": 5000,
    "vertegenwoordiger_naam": 200,
    "vertegenwoordiger_relatie": 100,
    "aanmelder_functie": 100,
    "aanmelder_telefoon": 20,
    "aanmelder_naam": 200,  # the webservice's aanmelder; on screen the logged-in user
}
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{8,18}[0-9]$")
_EARLIEST_BIRTH = datetime.date(1900, 1, 1)
COMMENT_LIMIT = 2000


class Onvolledig(ValidationError):
    """The application cannot be submitted yet; `missing` says what it lacks."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            _("De aanvraag is nog niet compleet. Er ontbreekt: %(missing)s.")
            % {"missing": "; ".join(missing)},
            code="incomplete",
        )


@dataclass(frozen=True)
class Upload:
    """One file to attach, with the code of its attachment kind."""

    soort: str
    file: Any  # an UploadedFile, or anything with .name and .read()


# --- helpers ----------------------------------------------------------------------------------


def _lock(aanvraag: Aanvraag) -> Aanvraag:
    """The application's row, locked for the rest of the transaction (PostgreSQL; SQLite's
    IMMEDIATE transactions serialise writers anyway)."""
    return Aanvraag.objects.select_for_update().select_related("organisation").get(pk=aanvraag.pk)


def _organisation_of(actor: Actor) -> Organisation:
    principal = as_principal(actor)
    organisation = None
    if principal.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=principal.organisation_id).first()
    if organisation is None:
        raise rules.AccessRefused("aanvragen.use")
    return organisation


def _actor_organisation_name(actor: Actor) -> str:
    principal = as_principal(actor)
    user = principal.user
    if user is not None:
        return str(user.organisation)
    if principal.kind == ActorKind.SYSTEM:
        return _("Beheerorganisatie")
    if principal.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=principal.organisation_id).first()
        return str(organisation) if organisation else ""
    return ""


def _history(aanvraag: Aanvraag, actor: Actor, van: str, naar: str, opmerking: str = "") -> None:
    Wijziging.objects.create(
        aanvraag=aanvraag,
        at=timezone.now(),
        van_status=van,
        naar_status=naar,
        door=as_principal(actor).name[:150],
        door_organisatie=_actor_organisation_name(actor)[:200],
        opmerking=opmerking[:COMMENT_LIMIT],
    )


def _notify(aanvraag: Aanvraag) -> None:
    """The status mail to the submitting organisation's notification addresses."""
    for address in meldingen.addresses(aanvraag.organisation_id):
        send_later(
            "aanvragen.status",
            address,
            organisation_id=aanvraag.organisation_id,
            aanvraag=aanvraag.pk,
            status=aanvraag.status,
        )


def _comment(value: str | None, *, required: str | None = None, field: str = "opmerking") -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: required})
    if len(text) > COMMENT_LIMIT:
        raise ValidationError(
            {field: _("Gebruik ten hoogste %(n)d tekens.") % {"n": COMMENT_LIMIT}}
        )
    return text


def _details(aanvraag: Aanvraag, **extra) -> dict:
    return {"soort": aanvraag.soort, "status": aanvraag.status, **extra}


def _change(
    aanvraag: Aanvraag, actor: Actor, target: str, opmerking: str, action: str, request, **details
) -> Aanvraag:
    """Move to `target`: save, history, audit event, mail."""
    van = aanvraag.status
    aanvraag.status = target
    aanvraag.updated_at = timezone.now()
    aanvraag.save()
    _history(aanvraag, actor, van, target, opmerking)
    record(
        action,
        actor=actor,
        request=request,
        organisation=aanvraag.organisation_id,
        target=aanvraag,
        details=_details(aanvraag, **details),
    )
    _notify(aanvraag)
    return aanvraag


# --- the submitter's data ---------------------------------------------------------------------


def clean_data(soort: str, data: dict) -> dict:
    """The submitter's fields, checked: a BSN that passes the 11-proef, a date of birth that
    is not in the future, known choices, lengths. Empty is allowed (a concept may be
    incomplete; `workflow.missing` says what submitting needs). ValidationError by field."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def text(name: str) -> str:
        value = data.get(name)
        value = "" if value is None else str(value).strip()
        if len(value) > _TEXT_LIMITS.get(name, 200):
            errors.setdefault(name, []).append(
                _("Gebruik ten hoogste %(n)d tekens.") % {"n": _TEXT_LIMITS[name]}
            )
        return value

    for name in _TEXT_LIMITS:
        clean[name] = text(name)

    raw_bsn = str(data.get("bsn") or "").strip()
    clean["bsn"] = ""
    if raw_bsn:
        try:
            clean["bsn"] = clients.normalise_bsn(raw_bsn)
        except ValidationError as exc:
            errors.setdefault("bsn", []).extend(exc.messages)

    today = timezone.localdate()
    for name in ("geboortedatum", "gewenste_datum"):
        value = data.get(name)
        if value in (None, ""):
            clean[name] = None
        elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            clean[name] = value
        else:
            errors.setdefault(name, []).append(_("Vul een geldige datum in (dd-mm-jjjj)."))
            clean[name] = None
    birth = clean["geboortedatum"]
    if birth is not None:
        if birth > today:
            errors.setdefault("geboortedatum", []).append(
                _("De geboortedatum kan niet in de toekomst liggen.")
            )
        elif birth < _EARLIEST_BIRTH:
            errors.setdefault("geboortedatum", []).append(
                _("Vul een geboortedatum na 1 januari 1900 in.")
            )
    if DATUM.get(soort) is None:
        clean["gewenste_datum"] = None
    elif clean["gewenste_datum"] is not None and birth and clean["gewenste_datum"] < birth:
        errors.setdefault("gewenste_datum", []).append(
            _("Deze datum ligt vóór de geboortedatum van de cliënt.")
        )

    clean["spoed"] = bool(data.get("spoed"))
    if not clean["spoed"]:
        clean["spoed_reden"] = ""

    for name, choices in (
        ("ondertekenaar", Ondertekenaar),
        ("ondertekening", Ondertekening),
    ):
        value = str(data.get(name) or choices.values[0 if name == "ondertekenaar" else 1])
        if value not in choices.values:
            errors.setdefault(name, []).append(_("Kies een van de mogelijkheden."))
            value = choices.values[0]
        clean[name] = value
    if clean["ondertekenaar"] == Ondertekenaar.CLIENT:
        clean["vertegenwoordiger_naam"] = ""
        clean["vertegenwoordiger_relatie"] = ""

    phone = clean["aanmelder_telefoon"]
    if phone and not _PHONE.match(phone):
        errors.setdefault("aanmelder_telefoon", []).append(
            _("Vul een telefoonnummer van 10 cijfers in, zoals 030 123 45 67 of +31 30 1234567.")
        )
    if errors:
        raise ValidationError(errors)
    return clean


def _checked_uploads(
    aanvraag_count: int, uploads: Iterable[Upload]
) -> list[tuple[BijlageSoort, bijlagen.Checked]]:
    """Every upload read and checked (bijlagen.check) before anything is written."""
    uploads = list(uploads)
    limit = settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGEN
    if aanvraag_count + len(uploads) > limit:
        raise ValidationError(
            {
                "bijlagen": _(
                    "Een aanvraag heeft ten hoogste %(limit)d bijlagen. Er zijn er al "
                    "%(count)d en u voegt er %(new)d toe."
                )
                % {"limit": limit, "count": aanvraag_count, "new": len(uploads)}
            }
        )
    kinds = {k.code: k for k in BijlageSoort.objects.all()}
    checked: list[tuple[BijlageSoort, bijlagen.Checked]] = []
    errors: list[str] = []
    for upload in uploads:
        kind = kinds.get(upload.soort)
        if kind is None:
            errors.append(_("Onbekende soort bijlage: %(soort)s.") % {"soort": upload.soort[:50]})
            continue
        try:
            checked.append((kind, bijlagen.check(upload.file)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"bijlagen": errors})
    return checked


def _store(
    aanvraag: Aanvraag, actor: Actor, checked: list[tuple[BijlageSoort, bijlagen.Checked]], request
) -> list[Bijlage]:
    """Write the files and their rows. A failure later in the service removes the files again
    (the rows go with the transaction)."""
    stored: list[Bijlage] = []
    name = as_principal(actor).name[:150]
    try:
        for kind, file in checked:
            bijlage = Bijlage(
                aanvraag=aanvraag,
                soort=kind,
                bestandsnaam=file.naam,
                content_type=file.content_type,
                grootte=file.grootte,
                sha256=file.sha256,
                toegevoegd_at=timezone.now(),
                toegevoegd_door=name,
            )
            bijlage.opslagnaam = opslag.save(file.content)
            stored.append(bijlage)
            bijlage.save()
            record(
                "aanvragen.attachment_added",
                actor=actor,
                request=request,
                organisation=aanvraag.organisation_id,
                target=aanvraag,
                details={
                    "soort": kind.code,
                    "content_type": file.content_type,
                    "grootte": file.grootte,
                },
            )
    except BaseException:
        _remove_files([b.opslagnaam for b in stored])
        raise
    signed = any(kind.code == BijlageSoort.ONDERTEKENING for kind, _f in checked)
    if signed and aanvraag.ondertekening != Ondertekening.ONDERTEKEND:
        # The signed form is there: the application is signed.
        aanvraag.ondertekening = Ondertekening.ONDERTEKEND
        aanvraag.save(update_fields=["ondertekening"])
    return stored


def _remove_files(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):  # already gone
            opslag.delete(name)


def _remove_files_after(names: list[str]) -> None:
    """Delete files once the transaction that removed their rows has committed."""
    if names:
        after_service(lambda: _remove_files(names))


# --- the submitter's doors --------------------------------------------------------------------


@service(rule="aanvragen.use", audit=("aanvragen.draft_saved", "aanvragen.attachment_added"))
def create_draft(
    actor: Actor, soort: str, data: dict, uploads: Iterable[Upload] = (), *, request=None
) -> Aanvraag:
    """A new concept of a kind the organisation's profile allows ("Kies aanvraag")."""
    rules.require(actor, "aanvragen.use")
    organisation = _organisation_of(actor)
    if soort not in Soort.values:
        raise ValidationError({"soort": _("Kies een aanvraagsoort.")})
    if soort not in soorten_voor(organisation.profile):
        allowed = ", ".join(str(Soort(s).label) for s in soorten_voor(organisation.profile))
        raise ValidationError(
            {
                "soort": _(
                    "Het profiel %(profiel)s van uw organisatie staat de aanvraagsoort "
                    "%(soort)s niet toe. U kunt kiezen uit: %(allowed)s."
                )
                % {
                    "profiel": organisation.get_profile_display(),
                    "soort": Soort(soort).label,
                    "allowed": allowed,
                }
            }
        )
    clean = clean_data(soort, data)
    checked = _checked_uploads(0, uploads)
    principal = as_principal(actor)
    user = principal.user
    now = timezone.now()
    aanvraag = Aanvraag(
        organisation=organisation,
        soort=soort,
        status=Status.CONCEPT,
        aanmelder=user,
        aanmelder_naam=(
            user.get_full_name() if user is not None else clean["aanmelder_naam"] or principal.name
        )[:200],
        created_at=now,
        updated_at=now,
    )
    _apply(aanvraag, clean)
    aanvraag.save()
    _store(aanvraag, actor, checked, request)
    record(
        "aanvragen.draft_saved",
        actor=actor,
        request=request,
        organisation=organisation,
        target=aanvraag,
        details=_details(aanvraag),
    )
    return aanvraag


def _apply(aanvraag: Aanvraag, clean: dict) -> None:
    for name in FIELDS:
        setattr(aanvraag, name, clean[name])
    aanvraag.bsn_hash = clients.bsn_hash(clean["bsn"]) if clean["bsn"] else ""


@service(rule="aanvragen.change", audit=("aanvragen.draft_saved", "aanvragen.attachment_added"))
def update_draft(
    actor: Actor, aanvraag: Aanvraag, data: dict, uploads: Iterable[Upload] = (), *, request=None
) -> Aanvraag:
    rules.require(actor, "aanvragen.change", aanvraag)
    aanvraag = _lock(aanvraag)
    workflow.check(aanvraag, "edit")
    clean = clean_data(aanvraag.soort, data)
    checked = _checked_uploads(aanvraag.bijlagen.count(), uploads)
    _apply(aanvraag, clean)
    aanvraag.updated_at = timezone.now()
    aanvraag.save()
    _store(aanvraag, actor, checked, request)
    record(
        "aanvragen.draft_saved",
        actor=actor,
        request=request,
        organisation=aanvraag.organisation_id,
        target=aanvraag,
        details=_details(aanvraag),
    )
    return aanvraag


@service(rule="aanvragen.change", audit=("aanvragen.attachment_removed",))
def remove_attachment(actor: Actor, bijlage: Bijlage, *, request=None) -> None:
    """Take an attachment off a concept."""
    rules.require(actor, "aanvragen.change", bijlage.aanvraag)
    aanvraag = _lock(bijlage.aanvraag)
    workflow.check(aanvraag, "edit")
    bijlage = Bijlage.objects.select_related("soort").get(pk=bijlage.pk, aanvraag=aanvraag)
    name, soort = bijlage.opslagnaam, bijlage.soort.code
    bijlage.delete()
    _remove_files_after([name])
    record(
        "aanvragen.attachment_removed",
        actor=actor,
        request=request,
        organisation=aanvraag.organisation_id,
        target=aanvraag,
        details={"soort": soort},
    )


@service(rule="aanvragen.change", audit=("aanvragen.draft_deleted",))
def delete_draft(actor: Actor, aanvraag: Aanvraag, *, request=None) -> None:
    rules.require(actor, "aanvragen.change", aanvraag)
    aanvraag = _lock(aanvraag)
    workflow.check(aanvraag, "delete")
    record(
        "aanvragen.draft_deleted",
        actor=actor,
        request=request,
        organisation=aanvraag.organisation_id,
        target=aanvraag,
        details=_details(aanvraag),
    )
    names = list(aanvraag.bijlagen.values_list("opslagnaam", flat=True))
    aanvraag.delete()
    _remove_files_after(names)


@service(rule="aanvragen.change", audit=("aanvragen.submitted",))
def submit(actor: Actor, aanvraag: Aanvraag, *, request=None) -> Aanvraag:
    """Indienen: a complete concept goes to the CIZ; the clocks start (receipt within 3
    werkdagen, the decision within 6 weeks, 2 when spoed). Raises Onvolledig with what is
    missing."""
    rules.require(actor, "aanvragen.change", aanvraag)
    aanvraag = _lock(aanvraag)
    target = workflow.check(aanvraag, "submit")
    gaps = workflow.missing(aanvraag)
    if gaps:
        raise Onvolledig(gaps)
    now = timezone.now()
    aanvraag.ingediend_at = now
    aanvraag.ontvangst_uiterlijk = termijnen.plus_werkdagen(now, termijnen.ONTVANGST_WERKDAGEN)
    aanvraag.termijn_tot = now + termijnen.beslistermijn(aanvraag.spoed)
    return _change(aanvraag, actor, target, "", "aanvragen.submitted", request)


@service(
    rule=("aanvragen.use", "aanvragen.change"),
    audit=("aanvragen.draft_saved", "aanvragen.attachment_added", "aanvragen.submitted"),
)
def create_and_submit(
    actor: Actor, soort: str, data: dict, uploads: Iterable[Upload] = (), *, request=None
) -> Aanvraag:
    """The webservice's POST: a new application submitted in one step, or nothing at all
    (Onvolledig / ValidationError roll the concept back, and its files are removed)."""
    aanvraag = create_draft(actor, soort, data, uploads, request=request)
    try:
        return submit(actor, aanvraag, request=request)
    except BaseException:
        _remove_files(list(aanvraag.bijlagen.values_list("opslagnaam", flat=True)))
        raise


@service(rule="aanvragen.change", audit=("aanvragen.withdrawn",))
def withdraw(actor: Actor, aanvraag: Aanvraag, reden: str, *, request=None) -> Aanvraag:
    """Ingetrokken: by the submitting organisation, before the decision."""
    rules.require(actor, "aanvragen.change", aanvraag)
    aanvraag = _lock(aanvraag)
    target = workflow.check(aanvraag, "withdraw")
    reden = _comment(reden, required=_("Vul de reden van intrekken in."), field="reden")
    now = timezone.now()
    if aanvraag.opgeschort_sinds is not None:
        aanvraag.opgeschort_duur += now - aanvraag.opgeschort_sinds
        aanvraag.termijn_tot = termijnen.effective_deadline(aanvraag, now)
        aanvraag.opgeschort_sinds = None
    aanvraag.ingetrokken_at = now
    return _change(aanvraag, actor, target, reden, "aanvragen.withdrawn", request)


@service(rule="aanvragen.change", audit=("aanvragen.supplemented", "aanvragen.attachment_added"))
def supplement(
    actor: Actor,
    aanvraag: Aanvraag,
    uploads: Iterable[Upload],
    opmerking: str = "",
    *,
    request=None,
) -> Aanvraag:
    """While suspended: the submitter adds what the CIZ asked for (the signed form, a missing
    document). When all of it is there, the application resumes where it was and the clock
    runs on; otherwise nothing is saved and the error says what is still needed."""
    rules.require(actor, "aanvragen.change", aanvraag)
    aanvraag = _lock(aanvraag)
    target = workflow.check(aanvraag, "supplement")
    opmerking = _comment(opmerking)
    uploads = list(uploads)
    if not uploads:
        raise ValidationError(
            {"bijlagen": _("Voeg toe wat er is gevraagd: %(nodig)s.") % {"nodig": _needs(aanvraag)}}
        )
    checked = _checked_uploads(aanvraag.bijlagen.count(), uploads)
    _store(aanvraag, actor, checked, request)
    gaps = workflow.still_needed(aanvraag)
    if gaps:
        # The files just written go with the rolled-back rows.
        names = list(
            aanvraag.bijlagen.filter(toegevoegd_at__gte=aanvraag.opgeschort_sinds).values_list(
                "opslagnaam", flat=True
            )
        )
        _remove_files(names)
        raise ValidationError(
            {"bijlagen": _("Er ontbreekt nog: %(gaps)s.") % {"gaps": "; ".join(gaps)}}
        )
    now = timezone.now()
    paused = now - aanvraag.opgeschort_sinds if aanvraag.opgeschort_sinds else datetime.timedelta()
    aanvraag.termijn_tot = (aanvraag.termijn_tot or now) + paused
    aanvraag.opgeschort_duur += paused
    aanvraag.opgeschort_sinds = None
    aanvraag.opschorting_nodig = []
    aanvraag.status_voor_opschorting = ""
    return _change(
        aanvraag,
        actor,
        target,
        opmerking or _("Aangevuld: %(n)d bijlage(n).") % {"n": len(checked)},
        "aanvragen.supplemented",
        request,
        bijlagen=len(checked),
    )


def _needs(aanvraag: Aanvraag) -> str:
    return ", ".join(workflow.need_labels(aanvraag.opschorting_nodig or []))


# --- the operator's doors ---------------------------------------------------------------------


@service(rule="aanvragen.handle", audit=("aanvragen.receipt_confirmed",))
def confirm_receipt(actor: Actor, aanvraag: Aanvraag, opmerking: str = "", *, request=None):
    rules.require(actor, "aanvragen.handle", aanvraag)
    aanvraag = _lock(aanvraag)
    target = workflow.check(aanvraag, "confirm_receipt")
    aanvraag.ontvangen_at = timezone.now()
    return _change(
        aanvraag, actor, target, _comment(opmerking), "aanvragen.receipt_confirmed", request
    )


@service(rule="aanvragen.handle", audit=("aanvragen.assessment_started",))
def start_assessment(actor: Actor, aanvraag: Aanvraag, opmerking: str = "", *, request=None):
    """In behandeling: only with the aanvrager's signature (the CIZ needs it before
    assessment); without it the application is suspended instead."""
    rules.require(actor, "aanvragen.handle", aanvraag)
    aanvraag = _lock(aanvraag)
    target = workflow.check(aanvraag, "start_assessment")
    if not workflow.has_signature(aanvraag):
        raise ValidationError(
            _(
                "De handtekening van de aanvrager ontbreekt nog. Schort de aanvraag op en vraag "
                "om de handtekening."
            ),
            code="signature",
        )
    return _change(
        aanvraag, actor, target, _comment(opmerking), "aanvragen.assessment_started", request
    )


@service(rule="aanvragen.handle", audit=("aanvragen.suspended",))
def suspend(
    actor: Actor, aanvraag: Aanvraag, reden: str, nodig: Iterable[str], *, request=None
) -> Aanvraag:
    """Opgeschort, with the reason and what is needed (the signature and/or attachment kinds):
    the decision clock stops until the submitter supplements it."""
    rules.require(actor, "aanvragen.handle", aanvraag)
    aanvraag = _lock(aanvraag)
    target = workflow.check(aanvraag, "suspend")
    reden = _comment(reden, required=_("Vul de reden van opschorten in."), field="reden")
    codes = list(dict.fromkeys(str(n) for n in nodig if n))
    known = {NODIG_HANDTEKENING, *BijlageSoort.objects.values_list("code", flat=True)}
    if not codes:
        raise ValidationError({"nodig": _("Kies wat de indiener moet aanvullen.")})
    if set(codes) - known:
        raise ValidationError({"nodig": _("Kies wat de indiener moet aanvullen uit de lijst.")})
    now = timezone.now()
    aanvraag.status_voor_opschorting = aanvraag.status
    aanvraag.opgeschort_sinds = now
    aanvraag.opschorting_reden = reden
    aanvraag.opschorting_nodig = codes
    comment = _("%(reden)s — nodig: %(nodig)s") % {
        "reden": reden,
        "nodig": ", ".join(workflow.need_labels(codes)),
    }
    return _change(aanvraag, actor, target, comment, "aanvragen.suspended", request, nodig=codes)


@service(rule="aanvragen.handle", audit=("aanvragen.decided",))
def decide(
    actor: Actor,
    aanvraag: Aanvraag,
    uitkomst: str,
    besluitdatum: datetime.date | None,
    opmerking: str = "",
    *,
    request=None,
) -> Aanvraag:
    rules.require(actor, "aanvragen.handle", aanvraag)
    aanvraag = _lock(aanvraag)
    target = workflow.check(aanvraag, "decide")
    errors: dict[str, str] = {}
    if uitkomst not in Uitkomst.values:
        errors["uitkomst"] = _("Kies het besluit: toegekend of afgewezen.")
    if not isinstance(besluitdatum, datetime.date):
        errors["besluitdatum"] = _("Vul de datum van het besluit in.")
    elif besluitdatum > timezone.localdate():
        errors["besluitdatum"] = _("De besluitdatum kan niet in de toekomst liggen.")
    elif aanvraag.ingediend_at and besluitdatum < timezone.localdate(aanvraag.ingediend_at):
        errors["besluitdatum"] = _("De besluitdatum ligt vóór de datum van indienen.")
    if errors:
        raise ValidationError(errors)
    aanvraag.uitkomst = uitkomst
    aanvraag.besluitdatum = besluitdatum
    aanvraag.besloten_at = timezone.now()
    comment = _comment(opmerking)
    label = str(Uitkomst(uitkomst).label)
    return _change(
        aanvraag,
        actor,
        target,
        f"{label}: {comment}" if comment else label,
        "aanvragen.decided",
        request,
        uitkomst=uitkomst,
        besluitdatum=besluitdatum.isoformat() if besluitdatum else "",
    )


# --- reading, NEN 7513 style ------------------------------------------------------------------


@service(rule="aanvragen.open", audit=("aanvragen.opened",))
def record_opened(actor: Actor, aanvraag: Aanvraag, *, request=None) -> None:
    """Opening an application is logged: who (the actor), when, which client (keyed BSN
    hash), from where (the audit trail's address)."""
    rules.require(actor, "aanvragen.open", aanvraag)
    record(
        "aanvragen.opened",
        actor=actor,
        request=request,
        organisation=aanvraag.organisation_id,
        target=aanvraag,
        details={"client": aanvraag.bsn_hash},
    )


@service(rule="aanvragen.download", audit=("aanvragen.attachment_downloaded",))
def download(actor: Actor, bijlage: Bijlage, *, request=None) -> bytes:
    """The attachment's content, for the authorised download view; logged like opening."""
    aanvraag = bijlage.aanvraag
    rules.require(actor, "aanvragen.download", aanvraag)
    try:
        content = opslag.read(bijlage.opslagnaam)
    except OSError:
        raise ValidationError(_("Deze bijlage is niet meer beschikbaar."), code="gone") from None
    record(
        "aanvragen.attachment_downloaded",
        actor=actor,
        request=request,
        organisation=aanvraag.organisation_id,
        target=aanvraag,
        details={"client": aanvraag.bsn_hash, "bijlage": bijlage.pk},
    )
    return content


# --- retention --------------------------------------------------------------------------------


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.KNOOPPUNT_AANVRAGEN_RETENTION_DAYS)


def due_for_minimising(now: datetime.datetime):
    """Decided or withdrawn longer ago than the retention period, and not yet minimised."""
    before = now - retention()
    return Aanvraag.objects.filter(
        Q(status=Status.BESLUIT, besloten_at__lt=before)
        | Q(status=Status.INGETROKKEN, ingetrokken_at__lt=before),
        geminimaliseerd_at__isnull=True,
    )


@service(rule="aanvragen.minimise", audit=("aanvragen.minimised",))
def minimise(actor: Actor, aanvraag: Aanvraag, now: datetime.datetime | None = None) -> bool:
    """After the decision (or withdrawal) plus the retention period: the attachments are
    deleted and the client data emptied; number, kind, organisation, dates, the outcome and
    who-did-what in the history stay. Returns whether anything changed."""
    rules.require(actor, "aanvragen.minimise", aanvraag)
    now = now or timezone.now()
    aanvraag = _lock(aanvraag)
    if not due_for_minimising(now).filter(pk=aanvraag.pk).exists():
        nothing_changed()
        return False
    names = list(aanvraag.bijlagen.values_list("opslagnaam", flat=True))
    count = aanvraag.bijlagen.all().delete()[0]
    for name in ("bsn", "bsn_hash", "voorletters", "tussenvoegsel", "achternaam"):
        setattr(aanvraag, name, "")
    for name in ("spoed_reden", "toelichting", "vertegenwoordiger_naam"):
        setattr(aanvraag, name, "")
    aanvraag.vertegenwoordiger_relatie = ""
    aanvraag.opschorting_reden = ""
    aanvraag.geboortedatum = None
    aanvraag.geminimaliseerd_at = now
    aanvraag.save()
    aanvraag.historie.exclude(opmerking="").update(opmerking="")
    _remove_files_after(names)
    record(
        "aanvragen.minimised",
        actor=actor,
        organisation=aanvraag.organisation_id,
        target=aanvraag,
        details={"bijlagen": count},
    )
    return True


# --- the console's reference data -------------------------------------------------------------


@service(rule="aanvragen.configure", audit=("aanvragen.attachment_kind_changed",))
def save_attachment_kind(actor: Actor, kind: BijlageSoort, changed: list[str], *, request=None):
    rules.require(actor, "aanvragen.configure", kind)
    if kind.pk and not changed:
        nothing_changed()
        return kind
    kind.full_clean()
    kind.save()
    record(
        "aanvragen.attachment_kind_changed",
        actor=actor,
        request=request,
        target=kind,
        details={"code": kind.code, "naam": kind.naam},
    )
    return kind


@service(rule="aanvragen.configure", audit=("aanvragen.checklist_changed",))
def save_checklist_item(actor: Actor, item: ChecklistItem, changed: list[str], *, request=None):
    rules.require(actor, "aanvragen.configure", item)
    if item.pk and not changed:
        nothing_changed()
        return item
    item.full_clean()
    item.save()
    record(
        "aanvragen.checklist_changed",
        actor=actor,
        request=request,
        target=item,
        details={
            "soort": item.soort,
            "bijlagesoort": item.bijlagesoort.code,
            "verplicht": item.verplicht,
        },
    )
    return item


def purge_date(aanvraag: Aanvraag) -> datetime.date | None:
    """The day housekeeping deletes the attachments and client data (for the screen)."""
    moments = {Status.BESLUIT: aanvraag.besloten_at, Status.INGETROKKEN: aanvraag.ingetrokken_at}
    moment = moments.get(Status(aanvraag.status))
    return timezone.localdate(moment + retention()) if moment else None
