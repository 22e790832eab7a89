"""Read configuration from the environment, in one place (see the README's configuration table)."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def config(name: str, default=None, *, cast=str, split: bool = False):
    """Return the environment variable `name`, cast to the type of its default.

    `split=True` turns a comma-separated value into a list of stripped, non-empty strings.
    """
    raw = os.environ.get(name)
    if raw is None:
        return default
    if split:
        return [part.strip() for part in raw.split(",") if part.strip()]
    if cast is bool:
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")
    try:
        return cast(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} has an invalid value {raw!r}: {exc}") from exc
