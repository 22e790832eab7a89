"""Request helpers shared by the login flows and the middlewares."""

from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def local_url(request, target: str | None) -> str | None:
    """`target` when it points into this portal (a safe `next`), else None."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
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
