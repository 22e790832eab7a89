"""The tamper-evident audit trail of SPEC 8.

An event is written in its caller's transaction with a keyed MAC over its own content, and
without a place in the chain: concurrent audited transactions never wait for each other. Right
after commit (and in a periodic job) a short sealing step gives the committed events the next
gapless sequence numbers and chains each to its predecessor; the one-row head keeps the last
number and hash, under a MAC of its own, so that a cut-off tail shows too (docs/decisions.md).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("gelukt")
    FAILURE = "failure", _("mislukt")
    DENIED = "denied", _("geweigerd")


class AuditEvent(models.Model):
    timestamp = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    # Snapshots rather than only foreign keys: the trail outlives purged users and organisations.
    actor_kind = models.CharField(_("soort actor"), max_length=12, blank=True)
    actor_id = models.BigIntegerField(_("gebruiker-id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("gebruiker"), max_length=150, blank=True)
    # Searched through audit_org_newest (organisation, newest first): an index of its own would
    # be one more write for every event.
    organisation_id = models.BigIntegerField(_("organisatie-id"), null=True, blank=True)
    action = models.CharField(_("actie"), max_length=60, db_index=True)
    object_type = models.CharField(_("soort object"), max_length=60, blank=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("adres"), null=True, blank=True)
    outcome = models.CharField(
        _("uitkomst"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    # The webservice call's X-B3-TraceId, so an integrator's trace finds its events.
    trace_id = models.CharField(_("trace-id"), max_length=32, blank=True)
    # HMAC over the fields above, written with the event.
    mac = models.CharField(max_length=64)
    # The chain, written by the sealing step: position, predecessor's hash, own hash.
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("logboekregel")
        verbose_name_plural = _("logboek")
        ordering = ["-id"]
        indexes = [
            # The sealing step's question "what is not chained yet?" stays cheap.
            models.Index(fields=["id"], condition=Q(seq__isnull=True), name="audit_unsealed"),
            models.Index(fields=["organisation_id", "-id"], name="audit_org_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%d-%m-%Y %H:%M} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """Exactly one row (pk=1): the last sealed position and hash, locked only while sealing."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    # HMAC over last_seq and last_hash: a head moved back to hide a cut-off tail does not verify.
    mac = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.last_seq} regels"
