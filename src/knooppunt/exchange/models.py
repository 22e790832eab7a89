"""Berichtenverkeer iWmo/iJw (SPEC 7.1): the messages with their statuses and history, the link
between a heen-bericht and its retour, the refused files of the "Afgekeurd" list, and where each
notification address stands in the bundling of its mails."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Product(models.TextChoices):
    IWMO = "iwmo", "iWmo"
    IJW = "ijw", "iJw"


class Status(models.TextChoices):
    # Received and checked by the portal, offered in the receiver's inbox, retrieved by it.
    ONTVANGEN = "ontvangen", _("Ontvangen")
    AANGEBODEN = "aangeboden", _("Aangeboden")
    OPGEHAALD = "opgehaald", _("Opgehaald")


class Channel(models.TextChoices):
    BROWSER = "browser", _("Portaal")
    WEBSERVICE = "webservice", _("Webservice")
    DEMO = "demo", _("Demo")


class Message(models.Model):
    product = models.CharField(_("product"), max_length=10, choices=Product.choices)
    message_type = models.CharField(_("berichttype"), max_length=10)  # "JW301"
    bericht_code = models.PositiveSmallIntegerField(_("BerichtCode"))
    release = models.CharField(_("release"), max_length=5)  # "3.2"
    is_retour = models.BooleanField(_("retourbericht"), default=False)
    sender = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("afzender"),
    )
    receiver = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ontvanger"),
    )
    # The header's routing codes as sent (gemeentecode or AGB-code).
    afzender_code = models.CharField(_("Afzender"), max_length=8)
    ontvanger_code = models.CharField(_("Ontvanger"), max_length=8)
    # The message's own identification: BerichtIdentificatie of a heen-bericht, the
    # IdentificatieRetour of a retour (whose BerichtIdentificatie is the heen-bericht's).
    identificatie = models.CharField(_("BerichtIdentificatie"), max_length=40)
    dagtekening = models.DateField(_("Dagtekening"), null=True, blank=True)
    heen = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retouren",
        verbose_name=_("heen-bericht"),
    )
    filename = models.CharField(_("bestandsnaam"), max_length=255)
    size = models.PositiveIntegerField(_("grootte"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The name in the storage (KNOOPPUNT_EXCHANGE_STORAGE); empty once the payload is removed.
    payload = models.CharField(max_length=255, blank=True)
    payload_removed_at = models.DateTimeField(_("inhoud verwijderd op"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Snapshot: a login name or a webservice credential's name; it outlives a purged user.
    uploaded_by_name = models.CharField(_("aangeboden door"), max_length=150)
    channel = models.CharField(_("kanaal"), max_length=12, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(_("ontvangen op"), default=timezone.now)
    retrieved_at = models.DateTimeField(_("opgehaald op"), null=True, blank=True)
    retrieved_by_name = models.CharField(_("opgehaald door"), max_length=150, blank=True)
    # A heen-bericht that expects an answer: due on this day (OP090); answered when it came.
    retour_due_on = models.DateField(_("retour uiterlijk op"), null=True, blank=True)
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        ordering = ["-created_at", "-id"]
        constraints = [
            # TR056: BerichtIdentificatie is unique per sender and BerichtCode.
            models.UniqueConstraint(
                fields=["sender", "bericht_code", "identificatie"],
                name="exchange_unique_identificatie",
            )
        ]
        indexes = [
            models.Index(
                fields=["receiver", "product", "-created_at", "-id"], name="exchange_inbox"
            ),
            models.Index(
                fields=["sender", "product", "-created_at", "-id"], name="exchange_outbox"
            ),
            models.Index(
                fields=["sender", "product", "retour_due_on"],
                condition=Q(retour_due_on__isnull=False, answered_at__isnull=True),
                name="exchange_awaiting_retour",
            ),
            models.Index(
                fields=["receiver", "product", "id"],
                condition=Q(status="aangeboden"),
                name="exchange_ready",
            ),
            models.Index(fields=["created_at"], name="exchange_created"),
        ]

    def __str__(self) -> str:
        return f"{self.message_type} {self.identificatie}"

    @property
    def payload_available(self) -> bool:
        return bool(self.payload)

    def is_late(self, today=None) -> bool:
        today = today or timezone.localdate()
        return bool(self.retour_due_on and self.answered_at is None and self.retour_due_on < today)


class StatusChange(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    at = models.DateTimeField(_("op"), default=timezone.now)
    by_name = models.CharField(_("door"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.at:%d-%m-%Y %H:%M}"


class Refusal(models.Model):
    """A refused file, kept for its uploader ("Afgekeurd"): when, the file name and the list of
    what was wrong; never the payload."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    product = models.CharField(_("product"), max_length=10, choices=Product.choices)
    filename = models.CharField(_("bestandsnaam"), max_length=255)
    size = models.PositiveIntegerField(_("grootte"), default=0)
    message_type = models.CharField(_("berichttype"), max_length=10, blank=True)
    identificatie = models.CharField(_("BerichtIdentificatie"), max_length=40, blank=True)
    findings = models.JSONField(_("bevindingen"), default=list)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_by_name = models.CharField(_("aangeboden door"), max_length=150)
    channel = models.CharField(_("kanaal"), max_length=12, choices=Channel.choices)
    created_at = models.DateTimeField(_("afgekeurd op"), default=timezone.now)

    class Meta:
        verbose_name = _("afgekeurd bestand")
        verbose_name_plural = _("afgekeurde bestanden")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organisation", "product", "-created_at", "-id"], name="exchange_refused"
            )
        ]

    def __str__(self) -> str:
        return self.filename


class NotificationCursor(models.Model):
    """Per notification address: when it was last mailed and up to which message, so that it
    gets at most one mail per KNOOPPUNT_EXCHANGE_NOTIFY_MINUTES with everything since."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    product = models.CharField(max_length=10, choices=Product.choices)
    email = models.EmailField()
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_message_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "product", "email"], name="exchange_one_cursor"
            )
        ]

    def __str__(self) -> str:
        return self.email


class StandardsPage(Message):
    """The console's "Standaarden" page hangs on this (no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("standaard")
        verbose_name_plural = _("standaarden")
