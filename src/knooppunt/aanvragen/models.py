"""Wlz-aanvragen (SPEC 7.3): an organisation's applications to the CIZ, their attachments, the
configurable checklist of attachments per kind, and the history of every status change.

The client's BSN is kept twice, never in plain text: as a keyed hash (to find an application
by BSN and to name the client in the NEN 7513 log) and encrypted (to show it to those who may
open the application). The names and date of birth are kept plain so the list can search them;
after the decision plus the retention period housekeeping empties all of it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knooppunt.core.fields import EncryptedTextField

from .soorten import DATUM, Soort


class Status(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    INGEDIEND = "ingediend", _("Ingediend")
    ONTVANGEN = "ontvangen", _("Ontvangen")
    IN_BEHANDELING = "in_behandeling", _("In behandeling")
    OPGESCHORT = "opgeschort", _("Opgeschort")
    BESLUIT = "besluit", _("Besluit")
    INGETROKKEN = "ingetrokken", _("Ingetrokken")


# Submitted and not yet decided or withdrawn: the CIZ's clock runs (or is paused).
OPEN = (Status.INGEDIEND, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.OPGESCHORT)
# The clock runs: open and not suspended.
CLOCK_RUNS = (Status.INGEDIEND, Status.ONTVANGEN, Status.IN_BEHANDELING)
FINAL = (Status.BESLUIT, Status.INGETROKKEN)


class Uitkomst(models.TextChoices):
    TOEGEKEND = "toegekend", _("Toegekend")
    AFGEWEZEN = "afgewezen", _("Afgewezen")


class Ondertekenaar(models.TextChoices):
    CLIENT = "client", _("De cliënt zelf")
    VERTEGENWOORDIGER = "vertegenwoordiger", _("Een vertegenwoordiger van de cliënt")


class Ondertekening(models.TextChoices):
    ONDERTEKEND = "ondertekend", _("Ondertekend en geüpload")
    WACHT = "wacht", _("Wacht op ondertekening")


# What an operator may ask for when suspending: the signature, or an attachment kind's code.
NODIG_HANDTEKENING = "handtekening"


class BijlageSoort(models.Model):
    """A kind of attachment ("Medische informatie"); the operator maintains them in the console."""

    # The signed application form: needed whenever the application says it is signed.
    ONDERTEKENING = "ondertekening"
    OVERIG = "overig"

    code = models.SlugField(_("code"), max_length=50, unique=True)
    naam = models.CharField(_("naam"), max_length=100)
    volgorde = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("soort bijlage")
        verbose_name_plural = _("soorten bijlagen")
        ordering = ["volgorde", "naam"]

    def __str__(self) -> str:
        return self.naam


class ChecklistItem(models.Model):
    """One line of a kind's checklist: this attachment kind is needed to submit (configurable
    data: the operator adds lines or switches them off in the console)."""

    soort = models.CharField(_("aanvraagsoort"), max_length=20, choices=Soort.choices)
    bijlagesoort = models.ForeignKey(
        BijlageSoort,
        on_delete=models.PROTECT,
        related_name="checklist",
        verbose_name=_("soort bijlage"),
    )
    verplicht = models.BooleanField(_("verplicht"), default=True)

    class Meta:
        verbose_name = _("checklistregel")
        verbose_name_plural = _("checklist per aanvraagsoort")
        ordering = ["soort", "bijlagesoort__volgorde"]
        constraints = [
            models.UniqueConstraint(fields=["soort", "bijlagesoort"], name="one_checklist_line")
        ]

    def __str__(self) -> str:
        return f"{self.get_soort_display()}: {self.bijlagesoort}"


class Aanvraag(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    soort = models.CharField(_("aanvraagsoort"), max_length=20, choices=Soort.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONCEPT
    )

    # The client (cliënt).
    bsn_hash = models.CharField(max_length=64, blank=True, db_index=True)
    bsn = EncryptedTextField(_("BSN"), blank=True)
    voorletters = models.CharField(_("voorletters"), max_length=20, blank=True)
    tussenvoegsel = models.CharField(_("tussenvoegsel"), max_length=30, blank=True)
    achternaam = models.CharField(_("achternaam"), max_length=150, blank=True)
    geboortedatum = models.DateField(_("geboortedatum"), null=True, blank=True)

    spoed = models.BooleanField(_("spoed"), default=False)
    spoed_reden = models.TextField(_("reden van spoed"), max_length=2000, blank=True)
    gewenste_datum = models.DateField(_("gewenste datum"), null=True, blank=True)
    toelichting = models.TextField(_("toelichting"), max_length=5000, blank=True)

    # The aanvrager, who signs: the client or a representative.
    ondertekenaar = models.CharField(
        _("aanvrager / ondertekenaar"),
        max_length=20,
        choices=Ondertekenaar.choices,
        default=Ondertekenaar.CLIENT,
    )
    vertegenwoordiger_naam = models.CharField(
        _("naam vertegenwoordiger"), max_length=200, blank=True
    )
    vertegenwoordiger_relatie = models.CharField(
        _("relatie tot de cliënt"), max_length=100, blank=True
    )
    ondertekening = models.CharField(
        _("ondertekening"),
        max_length=20,
        choices=Ondertekening.choices,
        default=Ondertekening.WACHT,
    )

    # The aanmelder: who entered it (the logged-in user, or a webservice credential).
    aanmelder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    aanmelder_naam = models.CharField(_("aanmelder"), max_length=200, blank=True)
    aanmelder_functie = models.CharField(_("functie"), max_length=100, blank=True)
    aanmelder_telefoon = models.CharField(_("telefoonnummer"), max_length=20, blank=True)

    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    updated_at = models.DateTimeField(_("gewijzigd op"), default=timezone.now)
    ingediend_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    ontvangen_at = models.DateTimeField(_("ontvangst bevestigd op"), null=True, blank=True)
    # Receipt is confirmed within 3 werkdagen of submission.
    ontvangst_uiterlijk = models.DateTimeField(_("ontvangst uiterlijk"), null=True, blank=True)
    # The decision is due 6 weeks (2 when spoed) after submission, plus the time suspended;
    # while suspended this is the deadline as it stood when the clock stopped.
    termijn_tot = models.DateTimeField(_("beslistermijn"), null=True, blank=True, db_index=True)
    opgeschort_sinds = models.DateTimeField(_("opgeschort sinds"), null=True, blank=True)
    opgeschort_duur = models.DurationField(_("opgeschort"), default=datetime.timedelta)
    opschorting_reden = models.TextField(_("reden van opschorting"), max_length=2000, blank=True)
    # What the submitter must add to resume: "handtekening" and/or attachment kinds' codes.
    opschorting_nodig = models.JSONField(_("nodig"), default=list, blank=True)
    status_voor_opschorting = models.CharField(max_length=20, blank=True)
    uitkomst = models.CharField(_("besluit"), max_length=20, choices=Uitkomst.choices, blank=True)
    besluitdatum = models.DateField(_("besluitdatum"), null=True, blank=True)
    besloten_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    ingetrokken_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    # Set by housekeeping after the retention period: client data and attachments are gone.
    geminimaliseerd_at = models.DateTimeField(_("gegevens verwijderd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("aanvraag")
        verbose_name_plural = _("aanvragen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="aanvraag_org_status"),
            models.Index(
                fields=["status", "termijn_tot"],
                condition=~Q(status="concept"),
                name="aanvraag_queue",
            ),
        ]

    def __str__(self) -> str:
        # No personal data: this is what the audit trail and the console show as the object.
        return f"Aanvraag ({self.pk})"

    @property
    def nummer(self) -> str:
        return str(self.pk)

    @property
    def client_naam(self) -> str:
        parts = [self.voorletters.replace(".", ""), self.tussenvoegsel, self.achternaam]
        return " ".join(p for p in parts if p)

    @property
    def datum(self):
        """The label and need of this kind's date (gewenste ingangsdatum, opnamedatum)."""
        return DATUM.get(self.soort)

    @property
    def bsn_getoond(self) -> str:
        return self.bsn or ""

    @property
    def is_concept(self) -> bool:
        return self.status == Status.CONCEPT

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    @property
    def minimised(self) -> bool:
        return self.geminimaliseerd_at is not None


class Bijlage(models.Model):
    """An attachment, checked by its content before it was stored (aanvragen.bijlagen). The
    file lives in the "bijlagen" storage under a random name and is served only through the
    authorised download view."""

    aanvraag = models.ForeignKey(Aanvraag, on_delete=models.CASCADE, related_name="bijlagen")
    soort = models.ForeignKey(
        BijlageSoort, on_delete=models.PROTECT, related_name="+", verbose_name=_("soort")
    )
    bestandsnaam = models.CharField(_("bestandsnaam"), max_length=200)
    opslagnaam = models.CharField(max_length=200, unique=True)
    content_type = models.CharField(_("type"), max_length=50)
    grootte = models.PositiveIntegerField(_("grootte"))
    sha256 = models.CharField(max_length=64)
    toegevoegd_at = models.DateTimeField(_("toegevoegd op"), default=timezone.now)
    toegevoegd_door = models.CharField(_("toegevoegd door"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["soort__volgorde", "toegevoegd_at", "id"]

    def __str__(self) -> str:
        return f"Bijlage ({self.pk})"


class Wijziging(models.Model):
    """One line of an application's history: a status change (or a supplement while suspended)
    with who, when and the comment, as the submitting organisation sees it."""

    aanvraag = models.ForeignKey(Aanvraag, on_delete=models.CASCADE, related_name="historie")
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    van_status = models.CharField(_("van"), max_length=20, choices=Status.choices, blank=True)
    naar_status = models.CharField(_("naar"), max_length=20, choices=Status.choices)
    # Snapshots: the history outlives purged users.
    door = models.CharField(_("door"), max_length=150, blank=True)
    door_organisatie = models.CharField(_("organisatie"), max_length=200, blank=True)
    opmerking = models.TextField(_("opmerking"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("historie")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.aanvraag}: {self.van_status} -> {self.naar_status}"
