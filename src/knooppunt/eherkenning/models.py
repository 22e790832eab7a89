"""eHerkenning (SPEC 5.2, BIDN 2): the brokers the operator configures, the branch numbers that
tie a login to an organisation, the link from a broker's pseudonymous person id to a user, and
the first-login registration with its verification code."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knooppunt.core.fields import EncryptedTextField
from knooppunt.organisations.validators import validate_vestigingsnummer

from .validators import WELL_KNOWN, validate_claim_name, validate_issuer

CLAIM_FIELDS = ("kvk_claim", "vestigingsnummer_claim", "pseudo_id_claim")


class Broker(models.Model):
    """An eHerkenning broker ("eHerkenningmakelaar"), reached as an OpenID Connect provider."""

    naam = models.CharField(
        _("naam"),
        max_length=100,
        unique=True,
        error_messages={"unique": _("Er is al een eHerkenningmakelaar met deze naam.")},
        help_text=_("Zoals de gebruiker hem ziet bij het kiezen van de eHerkenningmakelaar."),
    )
    issuer = models.CharField(
        _("issuer (adres van de makelaar)"),
        max_length=300,
        validators=[validate_issuer],
        help_text=_(
            "Het issuer-adres van de makelaar, of zijn discovery-adres "
            "(eindigend op /.well-known/openid-configuration)."
        ),
    )
    client_id = models.CharField(_("client id"), max_length=200)
    # Encrypted at rest (core.crypto); the console never shows it (admin.SecretField).
    client_secret = EncryptedTextField(_("client secret"))
    active = models.BooleanField(
        _("actief"), default=True, help_text=_("Alleen actieve makelaars zijn te kiezen.")
    )
    # The names under which this broker delivers the company and the person, in its ID token
    # or else from its userinfo endpoint (oidc.claims_of).
    kvk_claim = models.CharField(
        _("claim met het KvK-nummer"),
        max_length=200,
        default="kvk",
        validators=[validate_claim_name],
        help_text=_("De naam waaronder de makelaar het KvK-nummer doorgeeft."),
    )
    vestigingsnummer_claim = models.CharField(
        _("claim met het vestigingsnummer"),
        max_length=200,
        default="vestigingsnummer",
        validators=[validate_claim_name],
        help_text=_(
            "De naam waaronder de makelaar het vestigingsnummer doorgeeft (als er een is)."
        ),
    )
    pseudo_id_claim = models.CharField(
        _("claim met het pseudoniem"),
        max_length=200,
        default="pseudo_id",
        validators=[validate_claim_name],
        help_text=_(
            "De naam waaronder de makelaar het pseudoniem van de persoon doorgeeft. Geeft de "
            "makelaar er geen, dan geldt de sub (identificatie) als pseudoniem."
        ),
    )
    # The broker's discovery document and signing keys, cached here (not in process memory) so
    # every app process shares them; emptied whenever the issuer changes.
    metadata = models.JSONField(default=dict, blank=True, editable=False)
    metadata_fetched_at = models.DateTimeField(
        _("configuratie opgehaald op"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("eHerkenningmakelaar")
        verbose_name_plural = _("eHerkenningmakelaars")
        ordering = ["naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "client_id"],
                name="one_broker_per_issuer_and_client",
                violation_error_message=_(
                    "Er is al een eHerkenningmakelaar met dit adres en deze client id."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.naam

    def clean(self) -> None:
        self.naam = (self.naam or "").strip()
        self.client_id = (self.client_id or "").strip()
        issuer = (self.issuer or "").strip()
        if issuer.endswith(WELL_KNOWN):
            issuer = issuer[: -len(WELL_KNOWN)]
        self.issuer = issuer
        for field in CLAIM_FIELDS:
            setattr(self, field, (getattr(self, field) or "").strip())
        names = [getattr(self, field) for field in CLAIM_FIELDS]
        if "sub" in names[:2]:
            raise ValidationError(
                {
                    CLAIM_FIELDS[names.index("sub")]: _(
                        "De sub identificeert de persoon, niet de organisatie."
                    )
                }
            )
        repeated = [i for i, name in enumerate(names) if name and name in names[:i]]
        if repeated:
            raise ValidationError(
                {CLAIM_FIELDS[repeated[0]]: _("Geef de drie claims elk een eigen naam.")}
            )

    @property
    def claim_names(self) -> dict[str, str]:
        """Our name of each eHerkenning claim -> the broker's."""
        return {
            "kvk": self.kvk_claim,
            "vestigingsnummer": self.vestigingsnummer_claim,
            "pseudo_id": self.pseudo_id_claim,
        }

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + WELL_KNOWN


class Vestiging(models.Model):
    """A branch (vestigingsnummer) of the organisation's KvK registration.

    When an organisation has branch numbers, only eHerkenning logins for one of those branches
    reach it; without any, every login for its KvK-nummer does.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="vestigingen",
        verbose_name=_("organisatie"),
    )
    vestigingsnummer = models.CharField(
        _("vestigingsnummer"),
        max_length=12,
        unique=True,
        validators=[validate_vestigingsnummer],
        error_messages={"unique": _("Dit vestigingsnummer hoort al bij een organisatie.")},
    )

    class Meta:
        verbose_name = _("vestigingsnummer")
        verbose_name_plural = _("vestigingsnummers (eHerkenning)")
        ordering = ["vestigingsnummer"]

    def __str__(self) -> str:
        return self.vestigingsnummer


class Identity(models.Model):
    """A person as a broker knows them (pseudonymous id) within one organisation -> a user."""

    broker = models.ForeignKey(
        Broker, on_delete=models.PROTECT, related_name="identities", verbose_name=_("makelaar")
    )
    pseudo_id = models.CharField(_("pseudoniem"), max_length=255)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="eherkenning_identities",
        verbose_name=_("gebruiker"),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    last_login_at = models.DateTimeField(_("laatst ingelogd"), null=True, blank=True)

    class Meta:
        verbose_name = _("eHerkenning-identiteit")
        verbose_name_plural = _("eHerkenning-identiteiten")
        constraints = [
            models.UniqueConstraint(
                fields=["broker", "pseudo_id", "organisation"], name="one_user_per_pseudonym"
            )
        ]

    def __str__(self) -> str:
        return f"{self.broker}: {self.user}"


class CodeRecipient(models.TextChoices):
    ADMINISTRATOR = "administrator", _("gebruikersbeheerder van de organisatie")
    OPERATOR = "operator", _("servicedesk")


class Registration(models.Model):
    """A first login through eHerkenning (BIDN 2.2): who hands out the code, and the attempts."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="eherkenning_registration",
        verbose_name=_("gebruiker"),
    )
    broker = models.ForeignKey(
        Broker, on_delete=models.PROTECT, related_name="+", verbose_name=_("makelaar")
    )
    code_via = models.CharField(
        _("verificatiecode via"), max_length=20, choices=CodeRecipient.choices
    )
    # The person registered as the administrator the operator appointed (matched by e-mail):
    # the appointment was the approval, so verification alone completes it.
    appointed_administrator = models.BooleanField(_("benoemde gebruikersbeheerder"), default=False)
    failed_attempts = models.PositiveSmallIntegerField(_("onjuiste pogingen"), default=0)
    created_at = models.DateTimeField(_("aangemeld op"), default=timezone.now)

    class Meta:
        verbose_name = _("aanmelding via eHerkenning")
        verbose_name_plural = _("aanmeldingen via eHerkenning")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.user)
