"""Audit events in words, for the "Logboek" and its export: each action's registered label,
and its details as "label: value" phrases. Values become names (product and role codes, field
names, statuses, channels, dates); yes/no details show as their label when true and not at all
when false; an action may register a sentence of its own (`registry.register(describe=...)`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy

from . import registry

# Field names in "fields" and "erased" that are not a model field of the user or organisation.
_EXTRA_FIELD_LABELS = {
    "rollen": gettext_lazy("rollen"),
    "is_administrator": gettext_lazy("gebruikersbeheerder"),
    "password": gettext_lazy("wachtwoord"),
    "second factors": gettext_lazy("tweede factoren"),
    "email": gettext_lazy("e-mailadres"),
    "products": gettext_lazy("producten"),
    "client_secret": gettext_lazy("client secret"),
}
_METHODS = {
    "code": gettext_lazy("verificatiecode per SMS of e-mail"),
    "totp": gettext_lazy("authenticator-app"),
    "recovery": gettext_lazy("herstelcode"),
    "static": gettext_lazy("herstelcode"),
    "eherkenning": gettext_lazy("eHerkenning"),
}
_REASONS = {
    "idle": gettext_lazy("te lang niet actief"),
    "maximum": gettext_lazy("maximale sessieduur bereikt"),
    "unavailable": gettext_lazy("makelaar niet bereikbaar"),
    "inactive": gettext_lazy("6 maanden niet ingelogd"),
}


def _field_labels() -> dict[str, str]:
    from knooppunt.accounts.models import User
    from knooppunt.organisations.models import Organisation

    labels: dict[str, str] = {}
    for model in (Organisation, User):
        for field in model._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose:
                labels[field.name] = str(verbose)
    labels.update({k: str(v) for k, v in _EXTRA_FIELD_LABELS.items()})
    return labels


def _product(code: str) -> str:
    from knooppunt.access.models import ProductCode

    try:
        return str(ProductCode(code).label)
    except ValueError:
        return code


def _role(code: str) -> str:
    from knooppunt.access.models import Role

    try:
        return str(Role(code).label)
    except ValueError:
        return code


def _grant(value: str) -> str:
    """ "iwmo:gebruiker" -> "iWmo — Gebruiker"."""
    product, _sep, role = str(value).partition(":")
    return f"{_product(product)} — {_role(role)}" if role else _product(product)


def _status(code: str) -> str:
    from knooppunt.accounts.models import Status

    try:
        return str(Status(code).label)
    except ValueError:
        return code


def _channel(code: str) -> str:
    from knooppunt.accounts.models import CodeChannel

    try:
        return str(CodeChannel(code).label)
    except ValueError:
        return code


def _agreement(code: str) -> str:
    from knooppunt.organisations.models import AgreementKind

    kind = AgreementKind.objects.filter(code=code).only("naam").first()
    return kind.naam if kind else code


def _date(value) -> str:
    if not value:
        return ""
    text = str(value)
    try:
        if len(text) == 10:
            return formats.date_format(datetime.date.fromisoformat(text), "d-m-Y")
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "d-m-Y H:i")


def _fields(value) -> str:
    labels = _field_labels()
    return ", ".join(labels.get(str(v), str(v)) for v in value)


_VALUES: dict[str, Callable[[Any], str]] = {
    "product": lambda v: _product(str(v)),
    "products": lambda v: ", ".join(_product(str(p)) for p in v),
    "role": lambda v: _role(str(v)),
    "roles": lambda v: ", ".join(_grant(g) for g in v),
    "restored_roles": lambda v: ", ".join(_grant(g) for g in v),
    "fields": _fields,
    "erased": _fields,
    "status": lambda v: _status(str(v)),
    "channel": lambda v: _channel(str(v)),
    "from": lambda v: _channel(str(v)),
    "to": lambda v: _channel(str(v)),
    "code_via": lambda v: _channel(str(v)),
    "kind": lambda v: _agreement(str(v)),
    "until": _date,
    "signed_on": _date,
    "deleted_at": _date,
    "last_login": _date,
    "method": lambda v: str(_METHODS.get(str(v), v)),
    "second_factor": lambda v: str(_METHODS.get(str(v), v)),
    "reason": lambda v: str(_REASONS.get(str(v), v)),
}


def phrases(code: str, details: dict, *, include_personal: bool = True) -> list[str]:
    """The event's details as phrases in the order the action registered its labels."""
    if not details:
        return []
    try:
        action = registry.get(code)
    except registry.UnregisteredAction:
        return []
    shown = {
        key: value
        for key, value in details.items()
        if include_personal or key not in action.personal
    }
    if action.describe is not None:
        sentence = action.describe(shown)
        return [str(sentence)] if sentence else []
    out = []
    for key, label in action.details.items():
        if key not in shown:
            continue
        value = shown[key]
        if value is None or value == "" or value == [] or value is False:
            continue
        if value is True:
            out.append(str(label))
            continue
        text = _VALUES[key](value) if key in _VALUES else _plain(value)
        if text:
            out.append(f"{label}: {text}")
    return out


def _plain(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def sentence(code: str, details: dict, *, include_personal: bool = True) -> str:
    return "; ".join(phrases(code, details, include_personal=include_personal))


def label(code: str) -> str:
    return registry.label(code)


def grouped_choices(*, operator: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    """The action filter's choices grouped as the registry groups them (Inloggen, Gebruikers,
    Rollen, Organisatie, ...). An administrator is not offered the operator's own actions."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for action in registry.actions():
        if action.code.startswith("test."):
            continue
        if not operator and action.belongs_to == registry.BelongsTo.OPERATOR:
            continue
        groups.setdefault(action.group, []).append((action.code, str(action.label)))
    return [
        (str(registry.GROUP_LABELS[group]), sorted(choices, key=lambda c: c[1]))
        for group, choices in groups.items()
    ]


def group_actions(group: str) -> list[str]:
    return [a.code for a in registry.actions() if a.group == group]
