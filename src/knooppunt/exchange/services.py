"""The doors of berichtenverkeer: offer (check, then accept or refuse each file), download,
acknowledge, and the server's own work (notifications, the late-retour digest, retention and the
orphan sweep). Each asks the authorisation module, runs in one transaction and is audited.

A file is checked before any transaction starts (an XSD validation of 25 MB takes a second, and
a write transaction on SQLite holds the whole database); accepting it then stores the payload,
the row, its history and the audit event in one short transaction, and removes the payload again
when that fails. A crash between the two leaves a payload without a row, which the daily sweep
removes.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError
from django.db.models import Max, Q
from django.utils import timezone

from knooppunt.access import rules
from knooppunt.access.principals import Actor, as_principal
from knooppunt.audit.services import record
from knooppunt.core import werkdagen
from knooppunt.core.doors import after_service, nothing_changed, service
from knooppunt.jobs.mail import send_later
from knooppunt.jobs.queue import enqueue

from . import notifications, payloads, uploads
from .models import Channel, Message, NotificationCursor, Refusal, Status, StatusChange
from .rules import UploadScope
from .validation.base import Context, Finding, Report
from .validation.checks import duplicates
from .validation.pipeline import check_file

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What became of one offered file."""

    filename: str
    report: Report
    message: Message | None = None
    refusal: Refusal | None = None
    container: str = ""

    @property
    def accepted(self) -> bool:
        return self.message is not None

    @property
    def findings(self) -> list[Finding]:
        return self.report.findings


@dataclass
class Checked:
    offered: uploads.Offered
    report: Report
    context: Context = field(default_factory=Context)


def check_offer(
    actor: Actor,
    organisation,
    product: str,
    filename: str,
    data: bytes,
    *,
    zip_allowed: bool = True,
) -> list[Checked]:
    """Every check of every file in the offer, storing nothing ("Controleren")."""
    rules.require(actor, "exchange.upload", UploadScope(organisation.pk, product))
    context = Context(organisation=organisation, product=product)
    checked = []
    for offered in uploads.unpack(filename, data, zip_allowed=zip_allowed):
        if offered.findings:
            report = Report(offered.filename, list(offered.findings))
        else:
            report = check_file(offered.data, offered.filename, context)
            if report.ok and report.subject is not None:
                context.seen.add(duplicates.key(report.subject))
        checked.append(Checked(offered, report, context))
    return checked


def offer(
    actor: Actor,
    organisation,
    product: str,
    filename: str,
    data: bytes,
    *,
    channel: str = Channel.BROWSER,
    zip_allowed: bool = True,
    request=None,
) -> list[Outcome]:
    """ "Bestand aanbieden": check each file, then accept it or keep its refusal. The webservice
    offers one message per call (`zip_allowed=False`: a ZIP is refused as a whole)."""
    outcomes = []
    for item in check_offer(actor, organisation, product, filename, data, zip_allowed=zip_allowed):
        report = item.report
        message = refusal = None
        if report.ok:
            try:
                message = accept(
                    actor, organisation, product, report, channel=channel, request=request
                )
            except IntegrityError:
                # Accepted by a parallel upload between the check and now: TR056 after all.
                assert report.subject is not None
                report.findings.append(duplicates.finding(report.subject))
        if message is None:
            refusal = refuse(actor, organisation, product, report, channel=channel, request=request)
        outcomes.append(
            Outcome(item.offered.filename, report, message, refusal, item.offered.container)
        )
    return outcomes


def _name(actor: Actor) -> str:
    return as_principal(actor).name[:150]


@service(rule="exchange.upload", audit=("exchange.upload",))
def accept(
    actor: Actor, organisation, product: str, report: Report, *, channel: str, request=None
) -> Message:
    """Store a checked file: payload, row, history and audit event together, or none of them."""
    rules.require(actor, "exchange.upload", UploadScope(organisation.pk, product))
    subject = report.subject
    assert report.ok and subject is not None and subject.message_type is not None
    message_type, header = subject.message_type, subject.header
    principal = as_principal(actor)
    now = timezone.now()
    name = payloads.save(subject.data)
    try:
        due = None
        answered_by = message_type.answered_by()
        if answered_by is not None:
            due = werkdagen.add_werkdagen(timezone.localdate(now), answered_by_days(message_type))
        message = Message.objects.create(
            product=product,
            message_type=message_type.name,
            bericht_code=message_type.bericht_code,
            release=message_type.release,
            is_retour=message_type.is_answer,
            sender=organisation,
            receiver=subject.receiver,
            afzender_code=header.afzender,
            ontvanger_code=header.ontvanger,
            identificatie=subject.own_identificatie,
            dagtekening=header.dagtekening_retour if message_type.is_retour else header.dagtekening,
            heen=subject.heen,
            filename=report.filename[-255:],
            size=subject.size,
            sha256=_sha256(subject.data),
            payload=name,
            uploaded_by=principal.user,
            uploaded_by_name=principal.name[:150],
            channel=channel,
            status=Status.AANGEBODEN,
            created_at=now,
            retour_due_on=due,
        )
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    message=message,
                    status=Status.ONTVANGEN,
                    at=now,
                    by_name=message.uploaded_by_name,
                ),
                StatusChange(
                    message=message, status=Status.AANGEBODEN, at=now, by_name="Knooppunt"
                ),
            ]
        )
        if subject.heen is not None:
            Message.objects.filter(pk=subject.heen.pk, answered_at__isnull=True).update(
                answered_at=now
            )
        record(
            "exchange.upload",
            actor=actor,
            request=request,
            organisation=organisation,
            target=message,
            details=_details(message),
        )
        enqueue("knooppunt.exchange.tasks.notify", message.receiver_id, product)
    except BaseException:
        payloads.delete(name)
        raise
    return message


def answered_by_days(message_type) -> int:
    return message_type.kind.due_werkdagen


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _details(message: Message) -> dict:
    return {
        "berichttype": message.message_type,
        "identificatie": message.identificatie,
        "afzender": message.afzender_code,
        "ontvanger": message.ontvanger_code,
        "kanaal": message.channel,
    }


@service(rule="exchange.upload", audit=("exchange.refused",))
def refuse(
    actor: Actor, organisation, product: str, report: Report, *, channel: str, request=None
) -> Refusal:
    """Keep a refused file's list for its uploader ("Afgekeurd") and in the audit trail; never
    its payload."""
    rules.require(actor, "exchange.upload", UploadScope(organisation.pk, product))
    principal = as_principal(actor)
    subject = report.subject
    refusal = Refusal.objects.create(
        organisation=organisation,
        product=product,
        filename=report.filename[-255:],
        size=subject.size if subject is not None else 0,
        message_type=report.message_type.name if report.message_type else "",
        identificatie=report.identificatie[:40],
        findings=[f.as_dict() for f in report.findings],
        uploaded_by=principal.user,
        uploaded_by_name=principal.name[:150],
        channel=channel,
    )
    record(
        "exchange.refused",
        actor=actor,
        request=request,
        organisation=organisation,
        target=refusal,
        details={
            "bestand": refusal.filename,
            "codes": sorted({f.code for f in report.findings}),
            "kanaal": channel,
        },
    )
    return refusal


@service(rule=("exchange.download",), audit=("exchange.download",))
def download(
    actor: Actor, messages: list[Message], *, as_zip: bool = False, request=None
) -> list[Message]:
    """Record each download (who, organisation, when, which message); the receiver's first one
    sets Opgehaald, which the sender sees."""
    principal = as_principal(actor)
    now = timezone.now()
    for message in messages:
        rules.require(actor, "exchange.download", message)
        first = False
        if message.receiver_id == principal.organisation_id:
            first = _mark_retrieved(message, principal.name, now)
        record(
            "exchange.download",
            actor=actor,
            request=request,
            organisation=principal.organisation_id,
            target=message,
            details={**_details(message), "eerste_keer": first, "zip": as_zip},
        )
    return messages


def _mark_retrieved(message: Message, by: str, now: datetime.datetime) -> bool:
    changed = Message.objects.filter(pk=message.pk, status=Status.AANGEBODEN).update(
        status=Status.OPGEHAALD, retrieved_at=now, retrieved_by_name=by[:150]
    )
    if changed:
        StatusChange.objects.create(
            message=message, status=Status.OPGEHAALD, at=now, by_name=by[:150]
        )
        message.status, message.retrieved_at, message.retrieved_by_name = (
            Status.OPGEHAALD,
            now,
            by[:150],
        )
    return bool(changed)


@service(rule="exchange.acknowledge", audit=("exchange.acknowledge",))
def acknowledge(actor: Actor, message: Message, *, request=None) -> bool:
    """The webservice's ontvangstbevestiging: Opgehaald without a download in the portal."""
    rules.require(actor, "exchange.acknowledge", message)
    principal = as_principal(actor)
    if not _mark_retrieved(message, principal.name, timezone.now()):
        nothing_changed()
        return False
    record(
        "exchange.acknowledge",
        actor=actor,
        request=request,
        organisation=principal.organisation_id,
        target=message,
        details=_details(message),
    )
    return True


# --- the server's own work ------------------------------------------------------------------


@service(rule="exchange.housekeeping", audit=("exchange.notification",))
def notify(
    actor: Actor, organisation_id: int, product: str, now: datetime.datetime | None = None
) -> int:
    """Mail each of the product's notification addresses of the receiving organisation about
    the messages offered since its last mail, at most once per KNOOPPUNT_EXCHANGE_NOTIFY_MINUTES
    (what comes in the meantime waits for the next round: bundled). Returns the mails queued."""
    rules.require(actor, "exchange.housekeeping")
    now = now or timezone.now()
    quiet = datetime.timedelta(minutes=settings.KNOOPPUNT_EXCHANGE_NOTIFY_MINUTES)
    waiting = Message.objects.filter(
        receiver_id=organisation_id, product=product, status=Status.AANGEBODEN
    )
    sent = 0
    for email in notifications.addresses(organisation_id, product):
        cursor, _created = NotificationCursor.objects.select_for_update().get_or_create(
            organisation_id=organisation_id, product=product, email=email
        )
        if cursor.last_sent_at is not None and now - cursor.last_sent_at < quiet:
            continue
        new = waiting.filter(id__gt=cursor.last_message_id)
        summary = new.aggregate(last=Max("id"))
        if summary["last"] is None:
            continue
        types = Counter(new.values_list("message_type", flat=True))
        senders = sorted(
            {
                str(m.sender)
                for m in new.select_related("sender").only("sender__naam", "sender__weergavenaam")[
                    :20
                ]
            }
        )
        send_later(
            "exchange.new_messages",
            email,
            organisation_id=organisation_id,
            product=product,
            count=sum(types.values()),
            types=dict(sorted(types.items())),
            senders=senders,
        )
        cursor.last_sent_at, cursor.last_message_id = now, summary["last"]
        cursor.save(update_fields=["last_sent_at", "last_message_id"])
        sent += 1
    if not sent:
        nothing_changed()
        return 0
    record(
        "exchange.notification",
        actor=actor,
        organisation=organisation_id,
        details={"aantal": sent, "product": product},
    )
    return sent


@service(rule="exchange.housekeeping", audit=("exchange.late_digest",))
def late_digest(actor: Actor, now: datetime.datetime | None = None) -> int:
    """OP090: mail each sending organisation's notification addresses of a product the list of
    its heen-berichten whose retour is late. Returns the mails queued."""
    rules.require(actor, "exchange.housekeeping")
    today = timezone.localdate(now or timezone.now())
    late = Message.objects.filter(retour_due_on__lt=today, answered_at__isnull=True).order_by(
        "sender_id", "product", "retour_due_on", "id"
    )
    groups: dict[tuple[int, str], list[Message]] = {}
    for message in late.only(
        "id", "sender_id", "product", "message_type", "identificatie", "retour_due_on"
    ).iterator():
        groups.setdefault((message.sender_id, message.product), []).append(message)
    sent = 0
    for (organisation_id, product), messages in groups.items():
        lines = [[m.message_type, m.identificatie, str(m.retour_due_on)] for m in messages[:100]]
        addresses = notifications.addresses(organisation_id, product)
        for email in addresses:
            send_later(
                "exchange.late_retours",
                email,
                organisation_id=organisation_id,
                product=product,
                count=len(messages),
                lines=lines,
                day=today.isoformat(),
            )
            sent += 1
        if addresses:
            record(
                "exchange.late_digest",
                actor=actor,
                organisation=organisation_id,
                details={"aantal": len(messages), "product": product},
            )
    if not sent:
        nothing_changed()
    return sent


@service(rule="exchange.housekeeping", audit=("exchange.purge",))
def purge(actor: Actor, now: datetime.datetime | None = None) -> int:
    """Retention: payloads a while after retrieval (or when never retrieved), metadata after
    longer, refusals' lists; and payloads no row refers to (left by a crash). Audit events stay
    (5 years, NEN 7513: the audit trail's own retention)."""
    rules.require(actor, "exchange.housekeeping")
    now = now or timezone.now()
    day = datetime.timedelta(days=1)
    retrieved_before = now - settings.KNOOPPUNT_EXCHANGE_PAYLOAD_DAYS * day
    unretrieved_before = now - settings.KNOOPPUNT_EXCHANGE_UNRETRIEVED_DAYS * day
    due = Message.objects.exclude(payload="").filter(
        Q(retrieved_at__lt=retrieved_before)
        | Q(retrieved_at__isnull=True, created_at__lt=unretrieved_before)
    )
    names = list(due.values_list("payload", flat=True))
    payload_count = due.update(payload="", payload_removed_at=now)
    old = Message.objects.filter(
        created_at__lt=now - settings.KNOOPPUNT_EXCHANGE_METADATA_DAYS * day
    )
    names += list(old.exclude(payload="").values_list("payload", flat=True))
    message_count, _ = old.delete()
    refusal_count, _ = Refusal.objects.filter(
        created_at__lt=now - settings.KNOOPPUNT_EXCHANGE_REFUSAL_DAYS * day
    ).delete()
    orphans = _orphans(now)
    total = payload_count + message_count + refusal_count + len(orphans)
    if not total:
        nothing_changed()
        return 0
    record(
        "exchange.purge",
        actor=actor,
        details={
            "inhoud": payload_count,
            "berichten": message_count,
            "afgekeurd": refusal_count,
            "wees": len(orphans),
        },
    )

    # Files go after the commit: a rollback must not leave rows whose payload is gone.
    def remove_files() -> None:
        for name in names + orphans:
            payloads.delete(name)

    after_service(remove_files)
    return total


def _orphans(now: datetime.datetime) -> list[str]:
    """Stored payloads that no message refers to, older than KNOOPPUNT_EXCHANGE_ORPHAN_MINUTES
    (younger ones may belong to an upload that is committing right now)."""
    store = payloads.storage()
    cutoff = now - datetime.timedelta(minutes=settings.KNOOPPUNT_EXCHANGE_ORPHAN_MINUTES)
    found: list[str] = []
    batch: list[str] = []

    def flush():
        known = set(Message.objects.filter(payload__in=batch).values_list("payload", flat=True))
        for name in batch:
            if name not in known and store.get_modified_time(name) < cutoff:
                found.append(name)
        batch.clear()

    for name in payloads.walk():
        batch.append(name)
        if len(batch) >= 500:
            flush()
    if batch:
        flush()
    return found
