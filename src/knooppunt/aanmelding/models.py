""" "Aanmelden gebruikersbeheerder" (BIDN 2): an organisation without an administrator proposes
one with the signed agreements. Nothing is created before the operator accepts: the request
holds what was filled in and the PDFs, in the database (no files on one app server's disk)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knooppunt.organisations import validators
from knooppunt.organisations.models import AgreementKind, Organisation, OrganisationType


class Status(models.TextChoices):
    SUBMITTED = "ingediend", _("ingediend")
    ACCEPTED = "geaccepteerd", _("geaccepteerd")
    REJECTED = "afgewezen", _("afgewezen")


APPLICANT_TYPES = [
    (OrganisationType.GEMEENTE, OrganisationType.GEMEENTE.label),
    (OrganisationType.ZORGAANBIEDER, OrganisationType.ZORGAANBIEDER.label),
]


class Aanmelding(models.Model):
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    created_at = models.DateTimeField(_("ingediend op"), default=timezone.now, db_index=True)
    # The sender's address: the limit of requests per address per day (KNOOPPUNT_APPLICATION_LIMIT).
    ip_address = models.GenericIPAddressField(_("adres"), null=True, blank=True)

    # The organisation.
    organisation_type = models.CharField(
        _("soort organisatie"), max_length=20, choices=APPLICANT_TYPES
    )
    naam = models.CharField(_("naam organisatie"), max_length=200)
    kvk_nummer = models.CharField(
        _("KvK-nummer"), max_length=8, validators=[validators.validate_kvk]
    )
    agb_code = models.CharField(
        _("AGB-code"), max_length=8, blank=True, validators=[validators.validate_agb]
    )
    gemeentecode = models.CharField(
        _("gemeentecode"),
        max_length=4,
        blank=True,
        validators=[validators.validate_gemeentecode],
    )
    woonplaats = models.CharField(_("woonplaats"), max_length=100)
    email_domain = models.CharField(
        _("e-maildomein"), max_length=253, validators=[validators.validate_domain]
    )

    # The proposed administrator (the fields of SPEC 3).
    voorletters = models.CharField(_("voorletters"), max_length=20)
    voornaam = models.CharField(_("voornaam"), max_length=100)
    tussenvoegsel = models.CharField(_("tussenvoegsel"), max_length=30, blank=True)
    achternaam = models.CharField(_("achternaam"), max_length=150)
    email = models.EmailField(_("email"))
    uzi_nummer = models.CharField(_("UZI-nummer"), max_length=9, blank=True)
    telefoonnummer = models.CharField(_("telefoonnummer"), max_length=20, blank=True)

    # What the operator did.
    handled_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgehandeld door"),
    )
    handled_by_username = models.CharField(_("afgehandeld door"), max_length=150, blank=True)
    rejection_reason = models.TextField(_("reden van afwijzing"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    administrator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gebruikersbeheerder"),
    )

    class Meta:
        verbose_name = _("aanmelding gebruikersbeheerder")
        verbose_name_plural = _("aanmeldingen gebruikersbeheerder")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["ip_address", "created_at"], name="aanmelding_ip_idx")]

    def __str__(self) -> str:
        return f"{self.naam} ({self.created_at:%d-%m-%Y})"

    @property
    def naam_beheerder(self) -> str:
        return " ".join(p for p in (self.voorletters, self.tussenvoegsel, self.achternaam) if p)

    def administrator_data(self) -> dict:
        return {
            "voorletters": self.voorletters,
            "voornaam": self.voornaam,
            "tussenvoegsel": self.tussenvoegsel,
            "achternaam": self.achternaam,
            "email": self.email,
            "uzi_nummer": self.uzi_nummer,
            "telefoonnummer": self.telefoonnummer,
        }


class Document(models.Model):
    """A signed agreement, uploaded as a PDF and checked by its content (aanmelding.documents)."""

    aanmelding = models.ForeignKey(Aanmelding, on_delete=models.CASCADE, related_name="documents")
    kind = models.ForeignKey(
        AgreementKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("overeenkomst")
    )
    filename = models.CharField(_("bestandsnaam"), max_length=200)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()

    class Meta:
        verbose_name = _("ondertekende overeenkomst")
        verbose_name_plural = _("ondertekende overeenkomsten")
        constraints = [
            models.UniqueConstraint(fields=["aanmelding", "kind"], name="one_document_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.filename})"
