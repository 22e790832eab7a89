"""Every e-mail of the portal goes out through a job, after the change that caused it committed.

An app registers a kind of mail in its own `mails.py`:

    @mail_kind("accounts.invitation")
    def invitation(mail: OutgoingMail) -> Message:
        user = User.objects.get(pk=mail.params["user"])
        return Message(subject=..., body=...)

and its service calls `send_later("accounts.invitation", user.email, user=user.pk)` inside its
transaction. The row and its job commit with the change, or not at all. The job renders the
mail when it runs (so a link's token is made then and never stored in plain text) and sends it
once: a delivered mail is never sent again, a failed one is tried again by the job engine, and
every attempt carries the same Message-ID.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import MailStatus, OutgoingMail
from .queue import enqueue

logger = logging.getLogger(__name__)


@dataclass
class Message:
    subject: str
    body: str


class Skip(Exception):
    """Raised by a builder when the mail no longer makes sense (its user was deleted)."""


Builder = Callable[[OutgoingMail], Message]
_KINDS: dict[str, Builder] = {}


def mail_kind(name: str) -> Callable[[Builder], Builder]:
    def register(func: Builder) -> Builder:
        if name in _KINDS and _KINDS[name] is not func:
            raise ValueError(f"Mail kind {name!r} is registered twice")
        _KINDS[name] = func
        return func

    return register


def kinds() -> list[str]:
    return sorted(_KINDS)


def send_later(kind: str, to: str, *, organisation_id: int | None = None, **params) -> OutgoingMail:
    """Queue a mail in the caller's transaction; a job delivers it after the commit."""
    if kind not in _KINDS:
        raise LookupError(f"Unknown mail kind {kind!r}")
    mail = OutgoingMail.objects.create(
        kind=kind, to=to, params=params, organisation_id=organisation_id
    )
    enqueue("knooppunt.jobs.mail.deliver", mail.pk, name=f"mail-{mail.pk}")
    return mail


def _lease() -> datetime.timedelta:
    """How long an attempt may take before another one may claim the mail: a worker that died
    mid-attempt leaves the mail 'sending', and the job's retry comes after this."""
    return datetime.timedelta(seconds=settings.Q_CLUSTER["timeout"])


def _claim(mail_id: int) -> OutgoingMail | None:
    """Mark the mail as being sent, in a committed step of its own, unless it was sent already
    or another attempt is still within its lease."""
    now = timezone.now()
    claimable = Q(status__in=[MailStatus.QUEUED, MailStatus.FAILED]) | Q(
        status=MailStatus.SENDING, claimed_at__lt=now - _lease()
    )
    with transaction.atomic():
        claimed = (
            OutgoingMail.objects.filter(claimable, pk=mail_id)
            .exclude(attempts__gte=settings.KNOOPPUNT_MAIL_ATTEMPTS)
            .update(status=MailStatus.SENDING, claimed_at=now)
        )
        if not claimed:
            return None
        mail = OutgoingMail.objects.get(pk=mail_id)
        mail.attempts += 1
        mail.save(update_fields=["attempts"])
    return mail


def deliver(mail_id: int) -> str:
    """The job: render and send one mail. Raises on a failing mail server, so that the job
    engine tries again later; the mail row says how it went."""
    mail = _claim(mail_id)
    if mail is None:
        return "niets te doen"
    try:
        message = _KINDS[mail.kind](mail)
    except Skip as exc:
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=MailStatus.GAVE_UP, last_error=str(exc)[:300]
        )
        return "overgeslagen"
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[mail.to],
        headers={"Message-ID": mail.message_id},
    )
    try:
        email.send()
    except Exception as exc:
        final = mail.attempts >= settings.KNOOPPUNT_MAIL_ATTEMPTS
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=MailStatus.GAVE_UP if final else MailStatus.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:300],
        )
        logger.warning("Mail %s not sent (attempt %s): %s", mail.pk, mail.attempts, exc)
        raise
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=MailStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return "verstuurd"


def requeue_stalled(now: datetime.datetime | None = None) -> int:
    """Housekeeping: a mail whose jobs all ran out (the engine's attempts) while it was still
    failing gets a new job, until its own attempts are spent."""
    now = now or timezone.now()
    stalled = OutgoingMail.objects.filter(
        Q(status=MailStatus.FAILED) | Q(status=MailStatus.SENDING, claimed_at__lt=now - _lease()),
        attempts__lt=settings.KNOOPPUNT_MAIL_ATTEMPTS,
        claimed_at__lt=now - 2 * datetime.timedelta(seconds=settings.Q_CLUSTER["retry"]),
    ).values_list("pk", flat=True)
    count = 0
    for pk in stalled:
        enqueue("knooppunt.jobs.mail.deliver", pk, name=f"mail-{pk}")
        count += 1
    return count
