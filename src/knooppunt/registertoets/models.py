"""The Wlz register the operator keeps (SPEC 7.2), the lookups made in it (NEN 7513) and the
work done for it in the background (the register's import, the bulk check).

A BSN is never stored in plain text: a keyed hash finds it, a Fernet token discloses it
(`bsn.py`). The register has no name, address or other data of a client.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knooppunt.core.fields import EncryptedTextField

# --- the iWlz code lists ---------------------------------------------------------------------


class Zorgzwaartepakket(models.Model):
    """iWlz COD163, loaded from data/cod163.csv by a data migration."""

    PARTNERVERBLIJF = "999"

    code = models.CharField(_("code"), max_length=3, unique=True)
    omschrijving = models.CharField(_("omschrijving"), max_length=200)
    ingangsdatum = models.DateField(_("ingangsdatum"), null=True, blank=True)
    expiratiedatum = models.DateField(_("expiratiedatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("zorgzwaartepakket")
        verbose_name_plural = _("zorgzwaartepakketten")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.omschrijving}"


class DatumGebruik(models.IntegerChoices):
    """iWlz COD170: which part of a date is unknown (empty: the whole date is known)."""

    DAG_ONBEKEND = 1, _("alleen maand en jaar bekend")
    MAAND_ONBEKEND = 2, _("alleen het jaar bekend")
    ONBEKEND = 3, _("onbekend")


class SoortIndicatie(models.IntegerChoices):
    """iWlz COD169 (also in data/cod169.csv, the list as published)."""

    CIZ = 1, "CIZ indicatie"
    BJZ = 2, "BJZ indicatie"
    CIZ_BJZ = 3, "CIZ/BJZ indicatie"
    EXPERIMENTEN = 4, "Experimenten"


# --- the register ----------------------------------------------------------------------------


class Client(models.Model):
    bsn_hash = models.CharField(_("BSN (sleutelhash)"), max_length=64, unique=True)
    bsn = EncryptedTextField(_("BSN (versleuteld)"))
    # With geboortedatum_gebruik 1 or 2 the unknown parts are stored as 01; with 3 it may be
    # empty. A lookup compares only what is known.
    geboortedatum = models.DateField(_("geboortedatum"), null=True, blank=True)
    geboortedatum_gebruik = models.PositiveSmallIntegerField(
        _("geboortedatum gebruik"), choices=DatumGebruik.choices, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), default=timezone.now)

    class Meta:
        verbose_name = _("cliënt")
        verbose_name_plural = _("cliënten")

    def __str__(self) -> str:
        return f"{_('cliënt')} {self.pk}"

    def birth_date_matches(self, entered: datetime.date) -> bool:
        """Per the known precision (iWlz geboortedatumGebruik)."""
        gebruik, known = self.geboortedatum_gebruik, self.geboortedatum
        if gebruik == DatumGebruik.ONBEKEND:
            return True
        if known is None:
            return False
        if gebruik == DatumGebruik.MAAND_ONBEKEND:
            return known.year == entered.year
        if gebruik == DatumGebruik.DAG_ONBEKEND:
            return (known.year, known.month) == (entered.year, entered.month)
        return known == entered


class Indicatie(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="indicaties")
    besluitnummer = models.CharField(_("besluitnummer"), max_length=20, unique=True)
    soort = models.PositiveSmallIntegerField(_("soort indicatie"), choices=SoortIndicatie.choices)
    afgiftedatum = models.DateField(_("afgiftedatum"))
    ingangsdatum = models.DateField(_("ingangsdatum"))
    einddatum = models.DateField(_("einddatum"), null=True, blank=True)
    negatief = models.BooleanField(_("negatief besluit"), default=False)

    class Meta:
        verbose_name = _("indicatie")
        verbose_name_plural = _("indicaties")
        ordering = ["ingangsdatum", "besluitnummer"]

    def __str__(self) -> str:
        return self.besluitnummer

    def valid_on(self, day: datetime.date) -> bool:
        return (
            not self.negatief
            and self.ingangsdatum <= day
            and (self.einddatum is None or self.einddatum >= day)
        )


class Zorgprofiel(models.Model):
    indicatie = models.ForeignKey(Indicatie, on_delete=models.CASCADE, related_name="zorgprofielen")
    zzp = models.ForeignKey(
        Zorgzwaartepakket,
        on_delete=models.PROTECT,
        related_name="+",
        to_field="code",
        db_column="zzp_code",
    )
    ingangsdatum = models.DateField(_("ingangsdatum"))
    einddatum = models.DateField(_("einddatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("zorgprofiel")
        verbose_name_plural = _("zorgprofielen")
        ordering = ["ingangsdatum"]

    def __str__(self) -> str:
        return str(self.zzp)

    def valid_on(self, day: datetime.date) -> bool:
        return self.ingangsdatum <= day and (self.einddatum is None or self.einddatum >= day)


# --- the import ------------------------------------------------------------------------------


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    RUNNING = "running", _("bezig")
    DONE = "done", _("klaar")
    REFUSED = "refused", _("geweigerd")
    FAILED = "failed", _("mislukt")


class ImportMode(models.TextChoices):
    UPSERT = "upsert", _("bijwerken (upsert)")
    REPLACE = "replace", _("vervangen (replace)")


class RegisterImport(models.Model):
    """One import of the register, from the command line or the console: its progress, its
    refusals with their line numbers and its counts."""

    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_username = models.CharField(_("door"), max_length=150, blank=True)
    channel = models.CharField(_("via"), max_length=20, default="console")
    filename = models.CharField(_("bestand"), max_length=200, blank=True)
    mode = models.CharField(_("soort"), max_length=10, choices=ImportMode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    bytes_total = models.BigIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    rows_read = models.BigIntegerField(_("regels gelezen"), default=0)
    error_count = models.PositiveIntegerField(_("foute regels"), default=0)
    # [[line, message], ...], the first KNOOPPUNT_REGISTERTOETS_IMPORT_ERRORS_SHOWN of them.
    errors = models.JSONField(_("fouten"), default=list, blank=True)
    counts = models.JSONField(_("aantallen"), default=dict, blank=True)
    summary = models.TextField(_("resultaat"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import van het register")
        verbose_name_plural = _("imports van het register")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{_('import')} {self.pk} ({self.filename})"

    @property
    def percent(self) -> int:
        if self.status in (JobStatus.DONE, JobStatus.REFUSED):
            return 100
        if not self.bytes_total:
            return 0
        # Reading is most of the work; the last tenth is writing the register.
        return min(90, int(90 * self.bytes_read / self.bytes_total))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.REFUSED, JobStatus.FAILED)


class ImportChunk(models.Model):
    """The uploaded file, in pieces encrypted at rest until the job has read it: it holds BSNs.
    The bytes are kept as Latin-1 text, which maps each byte to one character and back."""

    register_import = models.ForeignKey(
        RegisterImport, on_delete=models.CASCADE, related_name="chunks"
    )
    seq = models.PositiveIntegerField()
    data = EncryptedTextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["register_import", "seq"], name="import_chunk_seq")
        ]

    def __str__(self) -> str:
        return f"{self.register_import_id}/{self.seq}"


# --- lookups ---------------------------------------------------------------------------------


class Reden(models.TextChoices):
    """Reden van raadpleging; the first is the one the manuals name."""

    SAMENLOOP_WMO = "samenloop-wmo", _("Gerede twijfel samenloop Wmo/Wlz")
    SAMENLOOP_JW = "samenloop-jw", _("Gerede twijfel samenloop Jeugdwet/Wlz")
    AANVRAAG = "aanvraag", _("Beoordeling aanvraag maatwerkvoorziening")
    HERBEOORDELING = "herbeoordeling", _("Herbeoordeling lopende voorziening")


class Uitkomst(models.TextChoices):
    JA = "ja", _("Ja")
    NEE = "nee", _("Nee")


class Kanaal(models.TextChoices):
    WEB = "web", _("scherm")
    BULK = "bulk", _("bestand")
    WEBSERVICE = "webservice", _("webservice")


class Raadpleging(models.Model):
    """One lookup in the register (NEN 7513): who, for which organisation, when, which BSN,
    why, the answer and the channel. Each row carries an HMAC over its content, and the
    audit trail's chained event of the same service call holds the digest of those HMACs
    (`log.py`), so an edited, removed or added row shows. Kept
    KNOOPPUNT_REGISTERTOETS_LOG_DAYS, then purged by housekeeping."""

    timestamp = models.DateTimeField(_("tijdstip"), default=timezone.now)
    actor_kind = models.CharField(_("soort actor"), max_length=12)
    actor_id = models.BigIntegerField(_("gebruiker-id"), null=True, blank=True)
    actor_username = models.CharField(_("gebruiker"), max_length=150)
    organisation_id = models.BigIntegerField(_("organisatie-id"), null=True, blank=True)
    organisation_naam = models.CharField(_("organisatie"), max_length=200, blank=True)
    bsn_hash = models.CharField(_("BSN (sleutelhash)"), max_length=64)
    bsn = EncryptedTextField(_("BSN (versleuteld)"))
    reden = models.CharField(_("reden"), max_length=20, choices=Reden.choices)
    peildatum = models.DateField(_("peildatum"))
    uitkomst = models.CharField(_("uitkomst"), max_length=3, choices=Uitkomst.choices)
    kanaal = models.CharField(_("kanaal"), max_length=12, choices=Kanaal.choices)
    # The service call that wrote it: its audit event names the same value.
    keten = models.CharField(max_length=32)
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("raadpleging")
        verbose_name_plural = _("raadplegingen")
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["bsn_hash", "timestamp"], name="raadpleging_bsn"),
            models.Index(fields=["organisation_id", "timestamp"], name="raadpleging_org"),
            models.Index(fields=["timestamp"], name="raadpleging_tijd"),
            models.Index(fields=["keten"], name="raadpleging_keten"),
        ]

    def __str__(self) -> str:
        return f"{_('raadpleging')} {self.pk}"


# --- the bulk check --------------------------------------------------------------------------


class BulkCheck(models.Model):
    """A file of BSN + geboortedatum checked by a job; its result can be downloaded once by the
    uploader and is deleted after KNOOPPUNT_REGISTERTOETS_RESULT_HOURS either way."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_by_username = models.CharField(max_length=150)
    created_at = models.DateTimeField(_("aangeboden op"), default=timezone.now)
    filename = models.CharField(_("bestand"), max_length=200, blank=True)
    reden = models.CharField(_("reden"), max_length=20, choices=Reden.choices)
    peildatum = models.DateField(_("peildatum"))
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("regels"), default=0)
    done = models.PositiveIntegerField(_("verwerkt"), default=0)
    ja = models.PositiveIntegerField(_("ja"), default=0)
    # The checked rows (BSN,geboortedatum per line), encrypted, until the job has read them.
    invoer = EncryptedTextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("verloopt op"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("gedownload op"), null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bestandscontrole")
        verbose_name_plural = _("bestandscontroles")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="bulk_org_newest"),
            models.Index(
                fields=["expires_at"], condition=Q(purged_at__isnull=True), name="bulk_to_purge"
            ),
        ]

    def __str__(self) -> str:
        return f"{_('bestandscontrole')} {self.pk}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    def downloadable(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.status == JobStatus.DONE
            and self.downloaded_at is None
            and self.purged_at is None
            and self.expires_at is not None
            and now < self.expires_at
        )


class BulkResultChunk(models.Model):
    """A piece of a bulk check's result (CSV lines), encrypted; removed at the download or
    when the result expires."""

    bulk = models.ForeignKey(BulkCheck, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    data = EncryptedTextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bulk", "seq"], name="bulk_chunk_seq")]

    def __str__(self) -> str:
        return f"{self.bulk_id}/{self.seq}"
