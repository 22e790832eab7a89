"""Checks for broker settings."""

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

WELL_KNOWN = "/.well-known/openid-configuration"
LOOPBACK_NAMES = {"localhost"}


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_issuer(value: str) -> None:
    """An https address (plain http only on this machine's loopback, for test brokers),
    without query or fragment: the OpenID Connect issuer identifier rules."""
    value = (value or "").strip()
    message = _(
        "Vul het adres van de makelaar in, bijvoorbeeld https://makelaar.example.nl "
        "(of het discovery-adres dat eindigt op /.well-known/openid-configuration)."
    )
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ValidationError(message, code="invalid") from None
    parts = urlsplit(value)
    if parts.query or parts.fragment:
        raise ValidationError(
            _("Het adres van de makelaar mag geen ? of # bevatten."), code="invalid"
        )
    if parts.scheme != "https" and not _is_loopback(parts.hostname or ""):
        raise ValidationError(_("Gebruik een https-adres voor de makelaar."), code="insecure")


# Claims of the ID token's own protocol (OpenID Connect Core 2 and 3.1.3.6): never a company's
# or a person's data, so no broker's claim name for them. `sub` may name the pseudonym.
PROTOCOL_CLAIMS = frozenset(
    {"iss", "aud", "exp", "iat", "nbf", "jti", "nonce", "acr", "amr", "azp", "auth_time"}
    | {"at_hash", "c_hash", "s_hash", "sid"}
)


def validate_claim_name(value: str) -> None:
    """A claim name as a broker spells it: `kvk`, or a URI such as
    `urn:etoegang:1.9:EntityConcernedID:KvKnr`; printable, without spaces."""
    if not value or not value.isprintable() or any(ch.isspace() for ch in value):
        raise ValidationError(
            _("Vul de naam van de claim in, zonder spaties (bijvoorbeeld kvk)."), code="invalid"
        )
    if value in PROTOCOL_CLAIMS:
        raise ValidationError(
            _("%(name)s is een vaste claim van OpenID Connect; vul de naam van de claim in."),
            code="protocol",
            params={"name": value},
        )
