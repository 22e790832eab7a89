"""Request helpers shared by the login flows, the middlewares, the audit trail and the lockout."""

import ipaddress
from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def local_url(request, target: str | None) -> str | None:
    """`target` when it is a path into this portal (a safe `next`), else None. Only a path that
    starts with one "/" counts: a bare word would be taken for a view name by `redirect()`, and
    "//host" or "/\\host" for another site."""
    if (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return None


def is_open_path(path: str, names: tuple[str, ...]) -> bool:
    """Whether `path` is one of the named pages or a static file: the pages a gate (missing
    agreements, expired password) leaves reachable."""
    return path in _paths(names) or path.startswith(settings.STATIC_URL)


@cache
def _paths(names: tuple[str, ...]) -> frozenset[str]:
    # Reversed at the first request, not at import (the URLconf may not be loaded yet).
    return frozenset(reverse(name) for name in names)


_ID = 987654321  # stands in for the id when a URL is reversed once for a whole list


def url_for_each(name: str, suffix: str = ""):
    """`reverse(name, args=[id]) + suffix` as a function of the id, reversed once: a list of 50
    rows would otherwise resolve the same pattern 50 times."""
    template = reverse(name, args=[_ID]) + suffix
    return lambda pk: template.replace(str(_ID), str(pk))


def client_ip(request) -> str | None:
    """The client's address: for the audit trail and for the lockout's count per address.

    Behind our own proxies (KNOOPPUNT_PROXY_COUNT of them), REMOTE_ADDR is the nearest proxy's
    address, the same for everyone: counting failures by it would let a few dozen wrong passwords
    lock every user out. Each proxy appends the address it was connected from to
    X-Forwarded-For, so the client's is the entry the outermost proxy wrote, the Nth from the
    right. Entries left of it are whatever the client sent and are never trusted. Without the
    header, or with fewer entries than proxies or no address there, REMOTE_ADDR is kept. Only
    proxies that append to the header, and an app that cannot be reached around them, make
    this sound; so it is off unless KNOOPPUNT_PROXY_COUNT is set.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.KNOOPPUNT_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(hops) < proxies:
        return remote
    return _address(hops[-proxies]) or remote


def _address(text: str) -> str | None:
    """An address as a proxy may write it, normalised for the database: bare or with a port
    ("192.0.2.1:443", "[2001:db8::1]:443"); an IPv4-mapped IPv6 address as IPv4; no IPv6 zone
    (PostgreSQL's inet refuses one). None if it is no address."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text.partition("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)
