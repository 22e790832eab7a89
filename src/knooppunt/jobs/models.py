"""The e-mails the portal sends, one row each: written in the transaction of the change that
causes the mail, delivered afterwards by a job (jobs.mail)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    SENDING = "sending", _("wordt verstuurd")
    SENT = "sent", _("verstuurd")
    FAILED = "failed", _("mislukt, wordt opnieuw geprobeerd")
    GAVE_UP = "gave_up", _("mislukt, opgegeven")


class OutgoingMail(models.Model):
    # Which builder renders it (jobs.mail.mail_kind) and its parameters: ids and plain values,
    # never a secret. A link's token is made at delivery, so no table holds it in plain text.
    kind = models.CharField(_("soort"), max_length=80)
    to = models.EmailField(_("aan"))
    params = models.JSONField(_("gegevens"), default=dict, blank=True)
    organisation_id = models.BigIntegerField(_("organisatie-id"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    claimed_at = models.DateTimeField(_("opgepakt op"), null=True, blank=True)
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    last_error = models.CharField(_("laatste fout"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("uitgaande e-mail")
        verbose_name_plural = _("uitgaande e-mails")
        indexes = [models.Index(fields=["status", "created_at"], name="mail_status_created")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"

    @property
    def message_id(self) -> str:
        """The same Message-ID at every attempt: a mail server that got it twice keeps one."""
        return f"<knooppunt-mail-{self.pk}@knooppunt>"
