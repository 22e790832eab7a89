"""The doors of "Aanmelden gebruikersbeheerder": filing a request (public), and the operator's
accept and reject. Accepting creates the organisation (or takes an existing one), registers the
agreements and appoints the administrator through the operator's own services, in one
transaction: all of it or nothing."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.access import rules
from knooppunt.audit.models import Outcome
from knooppunt.audit.services import record
from knooppunt.core.doors import service
from knooppunt.core.http import client_ip
from knooppunt.jobs.mail import send_later
from knooppunt.operators import services as operator_services
from knooppunt.organisations.models import AgreementKind, Organisation

from .documents import CheckedPdf
from .models import Aanmelding, Document, Status

ORGANISATION_FIELDS = (
    "organisation_type",
    "naam",
    "kvk_nummer",
    "agb_code",
    "gemeentecode",
    "woonplaats",
    "email_domain",
)
ADMINISTRATOR_FIELDS = (
    "voorletters",
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "email",
    "uzi_nummer",
    "telefoonnummer",
)


@dataclass
class Submitted:
    aanmelding: Aanmelding | None  # None: refused, too many requests from this address


def recent_from(address: str | None, now: datetime.datetime | None = None) -> int:
    if not address:
        return 0
    since = (now or timezone.now()) - datetime.timedelta(days=1)
    return Aanmelding.objects.filter(ip_address=address, created_at__gte=since).count()


@service(rule="aanmelding.submit", audit=("aanmelding.submit", "aanmelding.limited"))
def submit(data: dict, documents: dict[int, CheckedPdf], *, request=None) -> Submitted:
    """Store the request and its PDFs; no organisation, no account. At most
    KNOOPPUNT_APPLICATION_LIMIT requests per address per 24 hours (counted in the database, so
    every app process shares the count)."""
    rules.require(request.user if request is not None else None, "aanmelding.submit")
    address = client_ip(request)
    recent = recent_from(address)
    if recent >= settings.KNOOPPUNT_APPLICATION_LIMIT:
        record(
            "aanmelding.limited",
            request=request,
            outcome=Outcome.DENIED,
            details={"recent": recent},
        )
        return Submitted(None)
    aanmelding = Aanmelding.objects.create(
        ip_address=address,
        **{name: data.get(name, "") for name in ORGANISATION_FIELDS + ADMINISTRATOR_FIELDS},
    )
    kinds = AgreementKind.objects.in_bulk(list(documents))
    for kind_id, pdf in documents.items():
        Document.objects.create(
            aanmelding=aanmelding,
            kind=kinds[kind_id],
            filename=pdf.filename,
            size=pdf.size,
            sha256=pdf.sha256,
            content=pdf.content,
        )
    record(
        "aanmelding.submit",
        request=request,
        target=aanmelding,
        details={
            "naam": aanmelding.naam,
            "kvk_nummer": aanmelding.kvk_nummer,
            "documents": sorted(k.naam for k in kinds.values()),
        },
    )
    return Submitted(aanmelding)


def candidates(aanmelding: Aanmelding):
    """Existing organisations the request may be for: the same KvK-nummer, AGB-code or
    gemeentecode, of the same type."""
    match = Q(kvk_nummer=aanmelding.kvk_nummer)
    if aanmelding.agb_code:
        match |= Q(agb_code=aanmelding.agb_code)
    if aanmelding.gemeentecode:
        match |= Q(gemeentecode=aanmelding.gemeentecode)
    return Organisation.objects.filter(match, type=aanmelding.organisation_type).order_by("naam")


def _lock(aanmelding: Aanmelding) -> Aanmelding:
    locked = Aanmelding.objects.select_for_update().get(pk=aanmelding.pk)
    if locked.status != Status.SUBMITTED:
        raise ValidationError(_("Deze aanmelding is al afgehandeld."), code="handled")
    return locked


def _handled(locked: Aanmelding, actor, status: str) -> None:
    locked.status = status
    locked.handled_at = timezone.now()
    locked.handled_by = actor if getattr(actor, "pk", None) else None
    locked.handled_by_username = getattr(actor, "username", "") or str(actor)


@service(
    rule="aanmelding.review",
    audit=(
        "aanmelding.accept",
        "organisation.create",
        "agreement.register",
        "user.create",
        "user.appoint_admin",
    ),
)
def accept(
    actor,
    aanmelding: Aanmelding,
    *,
    organisation: Organisation | None = None,
    products: Sequence[str] = (),
    signed_on: datetime.date,
    request=None,
):
    """Create the organisation (or take `organisation`), register the signed agreements and
    appoint the administrator, who receives the invitation mail."""
    rules.require(actor, "aanmelding.review", aanmelding)
    locked = _lock(aanmelding)
    created = organisation is None
    if organisation is None:
        fields: dict[str, Any] = {
            "type": locked.organisation_type,
            "naam": locked.naam,
            "kvk_nummer": locked.kvk_nummer,
            "agb_code": locked.agb_code,
            "gemeentecode": locked.gemeentecode,
            "woonplaats": locked.woonplaats,
        }
        organisation = operator_services.create_organisation(
            actor, domains=[locked.email_domain], products=list(products), request=request, **fields
        )
    else:
        domains = organisation.domain_list()
        if domains and locked.email_domain not in domains:
            raise ValidationError(
                _(
                    "Het e-maildomein %(domain)s hoort niet bij %(org)s (%(domains)s). Voeg het "
                    "eerst toe bij de organisatie, of kies een nieuwe organisatie."
                )
                % {
                    "domain": locked.email_domain,
                    "org": organisation,
                    "domains": ", ".join(domains),
                }
            )
    assert organisation is not None
    for document in locked.documents.select_related("kind"):
        if document.kind.organisation_type == organisation.type:
            operator_services.register_agreement(
                actor, organisation, document.kind, signed_on, request=request
            )
    administrator = operator_services.appoint_admin(
        actor, organisation, locked.administrator_data(), request=request
    )
    _handled(locked, actor, Status.ACCEPTED)
    locked.organisation, locked.administrator = organisation, administrator
    locked.save()
    record(
        "aanmelding.accept",
        actor=actor,
        request=request,
        organisation=organisation,
        target=locked,
        details={"new_organisation": created, "administrator": administrator.username},
    )
    aanmelding.refresh_from_db()
    return organisation, administrator


@service(rule="aanmelding.review", audit=("aanmelding.reject",))
def reject(actor, aanmelding: Aanmelding, reason: str, *, request=None) -> None:
    """Refuse the request; the applicant gets the reason by mail (through a job)."""
    rules.require(actor, "aanmelding.review", aanmelding)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Vul een reden in.")})
    locked = _lock(aanmelding)
    _handled(locked, actor, Status.REJECTED)
    locked.rejection_reason = reason
    locked.save()
    send_later("aanmelding.rejected", locked.email, aanmelding=locked.pk)
    record(
        "aanmelding.reject",
        actor=actor,
        request=request,
        target=locked,
        details={"reason": reason},
    )
    aanmelding.refresh_from_db()


@service(rule="aanmelding.review", audit=("aanmelding.document",))
def open_document(actor, document: Document, *, request=None) -> bytes:
    """The operator reads a signed agreement: who read which, when, is in the trail."""
    rules.require(actor, "aanmelding.review", document.aanmelding)
    record(
        "aanmelding.document",
        actor=actor,
        request=request,
        target=document.aanmelding,
        details={"kind": document.kind.code},
    )
    return bytes(document.content)
