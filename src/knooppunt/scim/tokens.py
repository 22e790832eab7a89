"""The secrets of SCIM tokens: made with `secrets`, kept only as an HMAC-SHA256 under
KNOOPPUNT_SCIM_TOKEN_KEY (a fast keyed hash: the secret has 256 bits, so it needs no slow
password hash, and a reader of the table without the key cannot test guesses against it), and
looked up by that hash on every SCIM request."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX = "kpscim_"


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def token_hash(secret: str) -> str:
    key = settings.KNOOPPUNT_SCIM_TOKEN_KEY.encode()
    return hmac.new(key, f"scim-token:{secret}".encode(), hashlib.sha256).hexdigest()


def display_prefix(secret: str) -> str:
    return secret[: len(PREFIX) + 6]


def parse_networks(text: str) -> list[str]:
    """One network per line or separated by commas or spaces, in CIDR notation or a single
    address; normalised (`10.0.0.7/8` becomes `10.0.0.0/8`). Raises ValueError with a Dutch
    message naming the first bad entry."""
    networks = []
    for entry in text.replace(",", " ").split():
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(
                _("%(entry)s is geen IP-adres of netwerk (zoals 192.0.2.0/24).") % {"entry": entry}
            ) from None
        if str(network) not in networks:
            networks.append(str(network))
    return networks


def address_allowed(address: str | None, networks: list[str]) -> bool:
    if not networks:
        return True
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(n) for n in networks)


@dataclass(frozen=True)
class Refusal:
    """Why a request's token was not accepted: HTTP status and the Error's detail."""

    status: int
    detail: str


# Last use is written at most this often per token (a write on every request would cost
# every request a transaction).
LAST_USE_EVERY = datetime.timedelta(minutes=1)


def note_use(token, address: str | None) -> None:
    """Remember when (and from where) a token was last used: bookkeeping, not a change of the
    portal's state, and at most once a minute per token."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USE_EVERY:
        return
    from knooppunt.core import doors

    from .models import ScimToken

    with doors.bookkeeping():
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=address)
    token.last_used_at, token.last_used_ip = now, address
