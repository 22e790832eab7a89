"""The registered audit actions: `record()` refuses any other.

Each app declares the actions it writes in its own `audit_actions.py` (imported when the audit
app is ready), with the Dutch label the "Logboek" shows (English through the translation), the
group of the Logboek's action filter, whose trail the event belongs to, how its details read in
words, and which details are personal data (left out of the administrators' export).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Group(StrEnum):
    LOGIN = "inloggen"
    USERS = "gebruikers"
    ROLES = "rollen"
    ORGANISATION = "organisatie"
    CONSOLE = "beheer"
    AUDIT = "logboek"
    PRODUCTS = "producten"
    WEBSERVICE = "webservice"


GROUP_LABELS: dict[str, Promise] = {
    Group.LOGIN: _("Inloggen"),
    Group.USERS: _("Gebruikers"),
    Group.ROLES: _("Rollen"),
    Group.ORGANISATION: _("Organisatie"),
    Group.CONSOLE: _("Beheer"),
    Group.AUDIT: _("Logboek"),
    Group.PRODUCTS: _("Producten"),
    Group.WEBSERVICE: _("Webservice"),
}


class BelongsTo(StrEnum):
    # The organisation the event concerns (the user's, the target's): its administrators read it.
    ORGANISATION = "organisation"
    # The operator's own work (brokers, the console's reference data): only the operator reads it.
    OPERATOR = "operator"


Describer = Callable[[dict], str]


@dataclass(frozen=True)
class AuditAction:
    code: str
    label: Promise
    group: Group
    belongs_to: BelongsTo = BelongsTo.ORGANISATION
    # Detail keys that hold personal data (a typed login name, a reason, a pseudonym).
    personal: frozenset[str] = frozenset()
    # Labels of the detail keys, for the Logboek's sentence; unlabelled keys are not shown.
    details: Mapping[str, Promise | str] = field(default_factory=dict)
    # A function that writes the details as a sentence, where labels alone do not read well.
    describe: Describer | None = None


class UnregisteredAction(LookupError):
    """`record()` was asked for an action no app registered."""


_ACTIONS: dict[str, AuditAction] = {}


def register(
    code: str,
    label: Promise,
    group: Group,
    *,
    belongs_to: BelongsTo = BelongsTo.ORGANISATION,
    personal: tuple[str, ...] = (),
    details: Mapping[str, Promise | str] | None = None,
    describe: Describer | None = None,
) -> AuditAction:
    action = AuditAction(
        code, label, group, belongs_to, frozenset(personal), dict(details or {}), describe
    )
    known = _ACTIONS.get(code)
    if known is not None and known != action:
        raise ValueError(f"Audit action {code!r} is registered twice")
    _ACTIONS[code] = action
    return action


def get(code: str) -> AuditAction:
    try:
        return _ACTIONS[code]
    except KeyError:
        raise UnregisteredAction(code) from None


def is_registered(code: str) -> bool:
    return code in _ACTIONS


def actions() -> list[AuditAction]:
    return sorted(_ACTIONS.values(), key=lambda a: (list(Group).index(a.group), str(a.label)))


def label(code: str) -> str:
    action = _ACTIONS.get(code)
    return str(action.label) if action else code
