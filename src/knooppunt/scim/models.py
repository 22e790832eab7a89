"""SCIM 2.0 provisioning (SPEC 9): the tokens an organisation's administrator issues to its own
HR or identity system, the client's identifiers of our users, and the groups a client keeps
that are not product roles."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScimToken(models.Model):
    """A bearer token of one organisation's provisioning client. Only a keyed hash of the secret
    is kept (tokens.token_hash); the secret is shown once, when it is issued."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="scim_tokens",
        verbose_name=_("organisatie"),
    )
    name = models.CharField(_("naam"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the secret, so an administrator can tell tokens apart.
    prefix = models.CharField(_("begin van de sleutel"), max_length=16)
    # Allowed client addresses (CIDR notation); empty: any address.
    allowed_networks = models.JSONField(_("toegestane netwerken"), default=list, blank=True)
    expires_on = models.DateField(_("geldig tot en met"), null=True, blank=True)
    created_at = models.DateTimeField(_("uitgegeven op"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_username = models.CharField(_("uitgegeven door"), max_length=150, blank=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("laatst gebruikt vanaf"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revoked_by_username = models.CharField(_("ingetrokken door"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("SCIM-koppeling")
        verbose_name_plural = _("SCIM-koppelingen")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def is_expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired()

    def as_principal(self):
        from .principals import principal_for_token

        return principal_for_token(self)


class ExternalId(models.Model):
    """The provisioning client's identifier of one of our users (SCIM `externalId`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scim_external_id"
    )
    value = models.CharField(max_length=255, db_index=True)
    # True while the value is the client's `userName` (kept because it sent no externalId),
    # so a later change of that userName follows it.
    from_user_name = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.value


class ClientGroup(models.Model):
    """A group the client provisions that is not one of our product roles: kept, so that the
    client's group sync succeeds, but it grants nothing."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="scim_groups"
    )
    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "organisation", models.functions.Lower("display_name"), name="scim_group_name"
            )
        ]

    def __str__(self) -> str:
        return self.display_name
