"""The tamper-evident audit trail of SPEC 8: each record carries an HMAC over itself and its
predecessor's hash, and a one-row head remembers the last hash so a deleted tail shows too."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("gelukt")
    FAILURE = "failure", _("mislukt")
    DENIED = "denied", _("geweigerd")


class AuditEvent(models.Model):
    timestamp = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    # Snapshots rather than only foreign keys: the trail outlives purged users and organisations.
    actor_id = models.BigIntegerField(_("gebruiker-id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("gebruiker"), max_length=150, blank=True)
    organisation_id = models.BigIntegerField(
        _("organisatie-id"), null=True, blank=True, db_index=True
    )
    action = models.CharField(_("actie"), max_length=60, db_index=True)
    object_type = models.CharField(_("soort object"), max_length=60, blank=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("adres"), null=True, blank=True)
    outcome = models.CharField(
        _("uitkomst"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("logboekregel")
        verbose_name_plural = _("logboek")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.timestamp:%d-%m-%Y %H:%M} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """Exactly one row (pk=1): the last record's id and hash; locked while appending."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.count} regels, laatste {self.last_id}"
