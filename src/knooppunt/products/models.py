"""Per organisation and product: the addresses that receive the product's notifications and the
webservice credentials for system-to-system use (BIDN 3.2.2, SPEC 7.1-7.2).

A credential's secret is shown once and stored only as a SHA-512 hash: it is a random 190-bit
key, not a password, so a slow hash would add nothing but cost to every call (docs/decisions.md).
The key is "<prefix>.<secret>"; the prefix is stored in plain text to find the row.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationAddress(models.Model):
    """An address that receives the product's notifications ("Meldingen"), e.g. berichten@."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey("access.Product", on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("e-mailadres"))
    created_at = models.DateTimeField(_("toegevoegd op"), default=timezone.now)
    created_by_username = models.CharField(_("toegevoegd door"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("meldingsadres")
        verbose_name_plural = _("meldingsadressen")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "product", "email"], name="one_address_per_product"
            )
        ]

    def __str__(self) -> str:
        return self.email


class CredentialStatus(models.TextChoices):
    ACTIVE = "actief", _("Actief")
    EXPIRED = "verlopen", _("Verlopen")
    REVOKED = "ingetrokken", _("Ingetrokken")


class Credential(models.Model):
    """A webservice credential ("Webservice-koppeling"): one organisation, one product."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey("access.Product", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("naam"), max_length=100)
    # The key's first part, to find the row; the whole key's SHA-512 ("sha512$$<hex>").
    prefix = models.CharField(max_length=16, unique=True)
    hashed_key = models.CharField(max_length=150)
    # After a rotation the previous key works until previous_valid_until (the grace period).
    previous_prefix = models.CharField(max_length=16, unique=True, null=True, blank=True)
    previous_hashed_key = models.CharField(max_length=150, blank=True)
    previous_valid_until = models.DateTimeField(null=True, blank=True)
    rotated_at = models.DateTimeField(_("vernieuwd op"), null=True, blank=True)
    # Empty: any address. Otherwise CIDR networks such as "192.0.2.0/24" or "2001:db8::/48".
    allowed_networks = models.JSONField(_("toegestane netwerken"), default=list, blank=True)
    expires_at = models.DateTimeField(_("verloopt op"), null=True, blank=True)
    # Requests per rate window for this credential; empty: KNOOPPUNT_API_RATE_LIMIT.
    rate_limit = models.PositiveIntegerField(_("limiet per venster"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by_username = models.CharField(_("aangemaakt door"), max_length=150, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revoked_by_username = models.CharField(_("ingetrokken door"), max_length=150, blank=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt op"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("laatst gebruikt vanaf"), null=True, blank=True)

    class Meta:
        verbose_name = _("webservice-koppeling")
        verbose_name_plural = _("webservice-koppelingen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organisation", "product"],
                condition=Q(revoked_at__isnull=True),
                name="credential_org_product_live",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return CredentialStatus.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return CredentialStatus.EXPIRED
        return CredentialStatus.ACTIVE

    def get_status_display(self) -> str:
        return str(CredentialStatus(self.status()).label)

    @property
    def in_grace(self) -> bool:
        """A previous key that still works after a rotation."""
        return bool(
            self.previous_prefix
            and self.previous_valid_until
            and self.previous_valid_until > timezone.now()
        )

    def networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return parsed_networks(tuple(self.allowed_networks or ()))

    def allows_address(self, address: str | None) -> bool:
        networks = self.networks()
        if not networks:
            return True
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip.version == net.version and ip in net for net in networks)


@lru_cache(maxsize=1024)
def parsed_networks(texts: tuple[str, ...]):
    """Every request checks its credential's networks: parse each list once per process."""
    return tuple(ipaddress.ip_network(text, strict=False) for text in texts)
