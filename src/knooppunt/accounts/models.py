"""The user of SPEC 3, its login names, password history and one-time password links."""

import datetime
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import DatabaseError, connection, models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django_otp.models import (
    CooldownMixin,
    Device,
    SideChannelDevice,
    ThrottlingMixin,
    TimestampMixin,
)
from django_otp.plugins.otp_totp import models as otp_totp

from knooppunt.access.principals import Principal
from knooppunt.core import crypto, sql
from knooppunt.core.fields import EncryptedTextField


class Status(models.TextChoices):
    INVITED = "invited", _("uitgenodigd")
    PENDING = "pending", _("wacht op goedkeuring")
    ACTIVE = "active", _("actief")
    DEACTIVATED = "deactivated", _("gedeactiveerd")
    EXPIRED = "expired", _("verlopen")
    DELETED = "deleted", _("verwijderd")


class CodeChannel(models.TextChoices):
    AUTO = "auto", _("SMS als er een mobiel nummer is, anders e-mail")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


if TYPE_CHECKING:
    _UserManagerBase = BaseUserManager["User"]
else:
    _UserManagerBase = BaseUserManager


class UserManager(_UserManagerBase):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        """The user with this login name, typed in any form that normalises to it
        (usernames.normalise_login_name), with the organisation (the login needs its allowed
        login methods). A name that cannot be an issued one matches nobody."""
        from .usernames import is_login_name, normalise_login_name

        name = normalise_login_name(username)
        if not is_login_name(name):
            raise self.model.DoesNotExist
        return self._with_organisation("login_name", name)

    def get_with_organisation(self, pk):
        """The user with the organisation: every logged-in request asks for it (menu, gate)."""
        return self._with_organisation("pk", pk)

    def _with_organisation(self, where: str, value):
        # Plain SQL: the ORM would compile this 53-column join on every request (core.sql).
        with connection.cursor() as cursor:
            cursor.execute(_user_with_organisation_sql(where), [value])
            rows = cursor.fetchmany(1)
        if not rows:
            raise self.model.DoesNotExist
        (row,) = rows
        user = sql.instance(self.model, row)
        assert isinstance(user, User)
        Organisation = sql.field(self.model, "organisation").related_model
        assert isinstance(Organisation, type)
        user.organisation = sql.instance(  # type: ignore[assignment]
            Organisation, row, start=sql.width(self.model)
        )
        return user


@cache
def _user_with_organisation_sql(where: str) -> str:
    organisation = User._meta.get_field("organisation")
    Organisation = organisation.related_model
    condition = {
        "pk": f"u.{sql.column(User, 'id')} = %s",
        "login_name": f"u.{sql.column(User, 'username')} = %s",
    }[where]
    # Names from the models, values as parameters (core.sql).
    return (
        f"SELECT {sql.columns(User, 'u')}, {sql.columns(Organisation, 'o')} "  # noqa: S608
        f"FROM {sql.table(User)} u INNER JOIN {sql.table(Organisation)} o "
        f"ON o.{sql.column(Organisation, 'id')} = u.{sql.column(User, 'organisation')} "
        f"WHERE {condition}"
    )


class User(AbstractBaseUser):  # type: ignore[django-manager-missing]
    username = models.CharField(_("gebruikersnaam"), max_length=150, unique=True)
    voorletters = models.CharField(_("voorletters"), max_length=20)
    voornaam = models.CharField(_("voornaam"), max_length=100)
    tussenvoegsel = models.CharField(_("tussenvoegsel"), max_length=30, blank=True)
    achternaam = models.CharField(_("achternaam"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    uzi_nummer = models.CharField(_("UZI-nummer"), max_length=9, blank=True)
    telefoonnummer = models.CharField(_("telefoonnummer"), max_length=20, blank=True)
    memo = models.TextField(_("memo"), blank=True)
    nieuwsbrief = models.BooleanField(_("nieuwsbrief"), default=False)
    contactpersoon = models.BooleanField(_("contactpersoon"), default=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("organisatie"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED, db_index=True
    )
    is_administrator = models.BooleanField(
        _("gebruikersbeheerder"),
        default=False,
        help_text=_("Beheert de gebruikers van de eigen organisatie."),
    )
    code_channel = models.CharField(
        _("verificatiecode via"),
        max_length=10,
        choices=CodeChannel.choices,
        default=CodeChannel.AUTO,
    )
    password_changed_at = models.DateTimeField(_("wachtwoord gewijzigd op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    created_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Self-registration through eHerkenning: the code the person must enter (SPEC 3, BIDN 2.2);
    # such a user is on the administrator's "Gebruikersbeheer" tab until approved_at is set.
    self_registered = models.BooleanField(_("zelf aangemeld"), default=False)
    verification_code = models.CharField(_("verificatiecode"), max_length=12, blank=True)
    verified_at = models.DateTimeField(_("geverifieerd op"), null=True, blank=True)
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("gedeactiveerd op"), null=True, blank=True)
    deactivated_until = models.DateField(_("gedeactiveerd tot"), null=True, blank=True)
    expired_at = models.DateTimeField(_("verlopen op"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("verwijderd op"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deletion_reason = models.CharField(_("reden"), max_length=500, blank=True)
    # Optimistic locking: two administrators saving from stale pages must not overwrite each other.
    version = models.PositiveIntegerField(default=1)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["voorletters", "voornaam", "achternaam", "email"]

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        constraints = [
            # E-mail is unique among users that are not deleted (SPEC 3); deleted ones have none.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email="") & ~models.Q(status="deleted"),
                name="unique_email_of_living_users",
                violation_error_message=_("Dit e-mailadres is al in gebruik."),
            )
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def naam(self) -> str:
        """Display name as in the manuals' list: 'F Grashoff', 'P van der Test'."""
        parts = [self.voorletters.replace(".", ""), self.tussenvoegsel, self.achternaam]
        return " ".join(p for p in parts if p)

    def get_full_name(self) -> str:
        parts = [self.voornaam, self.tussenvoegsel, self.achternaam]
        return " ".join(p for p in parts if p)

    def get_short_name(self) -> str:
        return self.voornaam

    # Django's auth machinery asks these; the answers come from the status, not from flags.
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.status == Status.ACTIVE

    @property
    def is_staff(self) -> bool:
        """Staff of the operator organisation use the operator console (whose own base classes
        ask the authorisation module; this flag only answers Django's templates)."""
        return self.is_active and self.organisation.is_operator

    is_superuser = False

    def has_perm(self, perm, obj=None) -> bool:
        """Django's permission system is not used: every decision is the authorisation
        module's (knooppunt.access.rules), and the console asks it in its own base classes."""
        return False

    def has_perms(self, perm_list, obj=None) -> bool:
        return False

    def has_module_perms(self, app_label) -> bool:
        return False

    def as_principal(self) -> Principal:
        """This user as the authorisation module and the audit trail see it."""
        from .principals import principal_for_user

        return principal_for_user(self)

    def password_expires_at(self):
        if self.password_changed_at is None:
            return None
        return self.password_changed_at + settings.KNOOPPUNT_PASSWORD_VALIDITY


class IssuedUsername(models.Model):
    """Every login name ever issued, so a name is never handed out twice (purged users included)."""

    name = models.CharField(max_length=150, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("uitgegeven gebruikersnaam")
        verbose_name_plural = _("uitgegeven gebruikersnamen")

    def __str__(self) -> str:
        return self.name


class PasswordHistory(models.Model):
    """The hashes of a user's previous passwords, for the 'not one of the last 12' rule."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%d-%m-%Y}"


class PasswordLinkPurpose(models.TextChoices):
    INVITATION = "invitation", _("uitnodiging")
    RESET = "reset", _("wachtwoord aanvragen")


class PasswordLink(models.Model):
    """A set-password link from an e-mail: valid for a few hours and usable once.

    Only a hash of the token is stored, so a database reader cannot use the links.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_links")
    purpose = models.CharField(max_length=20, choices=PasswordLinkPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.user}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and now < self.expires_at


class LoginCodeDevice(TimestampMixin, CooldownMixin, SideChannelDevice):
    """The 6-digit verification code of the second login step (Portero 2.2), sent by SMS or
    e-mail. django-otp's side-channel device generates the code and its expiry and throttles
    re-sends; this model adds the limit on wrong attempts, so that guessing one code stops after
    a few tries, and keeps only a keyed hash of the code (core.crypto.keyed_hash), so that a
    database reader cannot log in with a code that is still open."""

    # HMAC-SHA256 in hex of the open code (django-otp's column holds the code itself).
    token = models.CharField(max_length=64, blank=True, null=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    channel = models.CharField(max_length=10, blank=True)  # where the current code went
    # django-otp's SideChannelDevice field, typed for the checker; `code` is set on an
    # instance by generate_token (the plain code, never stored).
    valid_until: datetime.datetime
    code: str

    class Meta(SideChannelDevice.Meta):
        verbose_name = _("verificatiecode")
        verbose_name_plural = _("verificatiecodes")
        # One code at a time per user, also when two logins start at the same moment.
        constraints = [models.UniqueConstraint(fields=["user"], name="one_login_code_per_user")]

    def get_cooldown_duration(self) -> int:
        return settings.KNOOPPUNT_LOGIN_CODE_RESEND_SECONDS

    def has_open_code(self) -> bool:
        return bool(self.token) and timezone.now() < self.valid_until

    @classmethod
    def locked_for(cls, user) -> "LoginCodeDevice":
        """The user's device, locked for this transaction; created at the first login."""
        device = sql.get(cls, "user", user.pk, lock=True)
        if device is None:
            device, _created = cls.objects.select_for_update().get_or_create(
                user=user, defaults={"name": "verificatiecode"}
            )
        return device

    def code_hash(self, code: str) -> str:
        # The user is in the hash: the same code of two users differs in the table.
        return crypto.keyed_hash(code, context=f"login-code:{self.user_id}")

    def generate_token(self, length=6, valid_secs=300, commit=True):
        """django-otp's code and expiry; only the hash is kept (`code` holds the code until it
        is sent, on this instance only)."""
        super().generate_token(length=length, valid_secs=valid_secs, commit=False)
        self.code = str(self.token)
        self.token = self.code_hash(self.code)
        if commit:
            self.save()

    def new_code(self, channel: str) -> str:
        self.failed_attempts = 0
        self.channel = channel
        self.cooldown_set(commit=False)
        self.generate_token(
            length=6, valid_secs=settings.KNOOPPUNT_LOGIN_CODE_SECONDS, commit=False
        )
        self._write(
            "token", "valid_until", "failed_attempts", "channel", "last_generated_timestamp"
        )
        return self.code

    def _write(self, *names: str) -> None:
        # One UPDATE of these columns (core.sql): the device is written at every login step.
        # The row is locked by the caller; a missing one is an error, as save() would raise.
        if sql.update(self, *names) != 1:
            raise DatabaseError("the login-code device disappeared during the login")

    def attempts_left(self) -> int:
        return max(0, settings.KNOOPPUNT_LOGIN_CODE_ATTEMPTS - self.failed_attempts)

    def verify_token(self, token) -> bool:
        """The check of django-otp's SideChannelDevice (value and expiry; a used code is cleared),
        on the keyed hash, in constant time, with the attempt limit, and written in one UPDATE."""
        if not self.attempts_left() or self.token is None:
            return False
        now = timezone.now()
        if constant_time_compare(self.code_hash(str(token)), self.token) and now < self.valid_until:
            self.token, self.valid_until = None, now  # it works once
            self.failed_attempts = 0
            self.last_generated_timestamp = None  # a used code may be followed by a new one at once
            self.last_used_at = now
            self._write(
                "token",
                "valid_until",
                "failed_attempts",
                "last_generated_timestamp",
                "last_used_at",
            )
            return True
        self.failed_attempts += 1
        if not self.attempts_left():
            self.token = None  # the code is spent; a new login sends a new one
        self._write("failed_attempts", "token")
        return False


class TOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238): django-otp's TOTPDevice with its key encrypted at
    rest (core.crypto). Its fields and behaviour are django-otp's own, down to the methods,
    which are taken from django-otp's model rather than copied; only the key's column differs
    (django-otp keeps the hex key in plain text). The devices of django-otp's table were moved
    here by migration 0005."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authenticators"
    )
    key = EncryptedTextField(
        default=otp_totp.default_key,
        validators=[otp_totp.key_validator],
        help_text="A hex-encoded secret key of up to 40 bytes, stored encrypted.",
    )
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("authenticator-app")
        verbose_name_plural = _("authenticator-apps")

    bin_key = otp_totp.TOTPDevice.bin_key
    verify_token = otp_totp.TOTPDevice.verify_token
    get_throttle_factor = otp_totp.TOTPDevice.get_throttle_factor
    config_url = otp_totp.TOTPDevice.config_url
    _read_str_from_settings = otp_totp.TOTPDevice._read_str_from_settings
