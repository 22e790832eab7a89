"""Organisations (tenants), their e-mail domains and the agreements that gate the portal."""

import contextlib
from functools import cache

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError

from knooppunt.core import sql

from . import validators


class OrganisationType(models.TextChoices):
    GEMEENTE = "gemeente", _("Gemeente")
    ZORGAANBIEDER = "zorgaanbieder", _("Zorgaanbieder")
    OPERATOR = "operator", _("Beheerorganisatie")


class Profile(models.TextChoices):
    """Portero 3.4: the profile sets the Wlz-aanvraagsoorten for all users of the organisation.
    Its names are the CIZ's product names, the same in every language (not translated)."""

    BASIS = "basis", "Basis"
    VOLLEDIG = "volledig", "Volledig"


AANVRAAGSOORTEN = {
    Profile.BASIS: [_("Reguliere Wlz-aanvragen"), _("Wzd-toets artikel 21-aanvragen")],
    Profile.VOLLEDIG: [
        _("Reguliere Wlz-aanvragen"),
        _("Wzd-toets artikel 21-aanvragen"),
        _("Partnerverblijf"),
    ],
}


class Organisation(models.Model):
    naam = models.CharField(_("naam"), max_length=200)
    weergavenaam = models.CharField(_("weergavenaam"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    agb_code = models.CharField(
        _("agbcode"), max_length=8, blank=True, validators=[validators.validate_agb]
    )
    gemeentecode = models.CharField(
        _("gemeentecode"), max_length=4, blank=True, validators=[validators.validate_gemeentecode]
    )
    kvk_nummer = models.CharField(
        _("KvK-nummer"),
        max_length=8,
        blank=True,
        db_index=True,
        validators=[validators.validate_kvk],
    )
    oin = models.CharField(
        _("OIN"), max_length=20, blank=True, validators=[validators.validate_oin]
    )
    straat = models.CharField(_("straat"), max_length=200, blank=True)
    huisnummer = models.CharField(_("huisnummer"), max_length=10, blank=True)
    huisnummertoevoeging = models.CharField(_("huisnummertoevoeging"), max_length=10, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[validators.validate_postcode]
    )
    woonplaats = models.CharField(_("woonplaats"), max_length=100, blank=True)
    telefoonnummer = models.CharField(_("telefoonnummer"), max_length=20, blank=True)
    faxnummer = models.CharField(_("faxnummer"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    products = models.ManyToManyField(
        "access.Product", verbose_name=_("producten"), blank=True, related_name="organisations"
    )
    profile = models.CharField(
        _("profiel"), max_length=10, choices=Profile.choices, default=Profile.BASIS
    )
    login_password = models.BooleanField(_("inloggen met wachtwoord en code"), default=True)
    login_eherkenning = models.BooleanField(_("inloggen met eHerkenning"), default=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["naam"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(login_password=True) | models.Q(login_eherkenning=True),
                name="organisation_has_a_login_method",
                violation_error_message=_("Kies ten minste één inlogmethode."),
            )
        ]

    def __str__(self) -> str:
        return self.weergavenaam or self.naam

    def clean(self) -> None:
        if self.postcode:
            # An invalid postcode is left as typed; the field validator reports it.
            with contextlib.suppress(StdnumError):
                self.postcode = validators.normalise_postcode(self.postcode)

    @property
    def is_operator(self) -> bool:
        return self.type == OrganisationType.OPERATOR

    @property
    def aanvraagsoorten(self) -> list:
        return AANVRAAGSOORTEN[Profile(self.profile)]

    def required_agreement_kinds(self) -> models.QuerySet["AgreementKind"]:
        return AgreementKind.objects.filter(organisation_type=self.type)

    def missing_agreements(self) -> list["AgreementKind"]:
        """The required agreements the operator has not yet registered as signed.

        Remembered on this instance: every page asks (the gate, the menu, the view), and an
        instance lives for one request. Registering an agreement forgets it (`Agreement.save`).
        """
        if self._missing_agreements is None:
            # The same NOT IN as exclude(agreements__organisation=self), which builds a join
            # and its trimming on every request first.
            signed = Agreement.objects.filter(organisation=self).values("kind_id")
            self._missing_agreements = list(
                self.required_agreement_kinds().exclude(pk__in=signed).order_by("volgorde", "naam")
            )
        return self._missing_agreements

    _missing_agreements = None

    def has_all_agreements(self) -> bool:
        """Whether every required agreement is registered as signed: the agreements gate asks on
        every request, so one EXISTS in plain SQL (core.sql) rather than the list above."""
        if self._missing_agreements is None:
            with connection.cursor() as cursor:
                cursor.execute(_missing_agreement_sql(), [self.type, self.pk])
                if cursor.fetchone() is None:
                    self._missing_agreements = []
                    return True
            return False
        return not self._missing_agreements

    def refresh_from_db(self, *args, **kwargs):
        self._missing_agreements = None
        super().refresh_from_db(*args, **kwargs)

    def domain_list(self) -> list[str]:
        return [d.domain for d in self.email_domains.all()]


@cache
def _missing_agreement_sql() -> str:
    """A required kind for the organisation type (first parameter) that the organisation (second
    parameter) has no agreement of, if any."""
    kinds, agreements = sql.table(AgreementKind), sql.table(Agreement)
    kind_id, kind_type = (
        sql.column(AgreementKind, "id"),
        sql.column(AgreementKind, "organisation_type"),
    )
    of_kind, of_organisation = sql.column(Agreement, "kind"), sql.column(Agreement, "organisation")
    return (
        f"SELECT 1 FROM {kinds} k WHERE k.{kind_type} = %s AND NOT EXISTS "  # noqa: S608
        f"(SELECT 1 FROM {agreements} a WHERE a.{of_kind} = k.{kind_id} "
        f"AND a.{of_organisation} = %s) LIMIT 1"
    )


class EmailDomain(models.Model):
    """A domain its users' e-mail addresses must use (SPEC 3), e.g. `gemeente-voorbeeld.nl`."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="email_domains"
    )
    domain = models.CharField(
        _("e-maildomein"), max_length=253, validators=[validators.validate_domain]
    )

    class Meta:
        verbose_name = _("e-maildomein")
        verbose_name_plural = _("e-maildomeinen")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "domain"], name="unique_domain_per_org")
        ]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)


class AgreementKind(models.Model):
    """An agreement an organisation of a given type must have signed before using the portal."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    naam = models.CharField(_("naam"), max_length=200)
    organisation_type = models.CharField(
        _("voor organisatietype"), max_length=20, choices=OrganisationType.choices
    )
    volgorde = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("soort overeenkomst")
        verbose_name_plural = _("soorten overeenkomsten")
        ordering = ["organisation_type", "volgorde", "naam"]

    def __str__(self) -> str:
        return self.naam


class Agreement(models.Model):
    """The operator's registration that an organisation signed an agreement."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="agreements"
    )
    kind = models.ForeignKey(AgreementKind, on_delete=models.PROTECT, related_name="agreements")
    signed_on = models.DateField(_("ondertekend op"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geregistreerd door"),
    )
    registered_at = models.DateTimeField(_("geregistreerd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("overeenkomst")
        verbose_name_plural = _("overeenkomsten")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="one_agreement_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.signed_on:%d-%m-%Y})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.organisation._missing_agreements = None


class ChangeRequest(models.Model):
    """An administrator's request to change its organisation's data (Portero 3.4: "Wijzigingen
    kunt u doorgeven"); it lands in the operator console, where the operator handles it."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        HANDLED = "handled", _("afgehandeld")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="change_requests",
        verbose_name=_("organisatie"),
    )
    text = models.TextField(_("gewenste wijziging"), max_length=2000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangevraagd door"),
    )
    # Snapshot: the request outlives a purged user.
    requested_by_username = models.CharField(_("gebruikersnaam aanvrager"), max_length=150)
    created_at = models.DateTimeField(_("ingediend op"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    answer = models.TextField(_("antwoord"), max_length=2000, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgehandeld door"),
    )
    handled_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)

    class Meta:
        verbose_name = _("wijzigingsverzoek")
        verbose_name_plural = _("wijzigingsverzoeken")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.created_at:%d-%m-%Y})"
