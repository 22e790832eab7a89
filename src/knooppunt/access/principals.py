"""Who acts: one typed actor for every kind of caller, so that the authorisation module and the
audit trail treat a portal user, the operator, the command line, an API credential and a SCIM
token alike (SPEC 1, SPEC 9).

The apps that own the callers build principals (`accounts` for users, the API and SCIM apps for
their credentials); this module knows none of them. A model that stands for a caller offers
`as_principal()`, so `rules.can(request.user, ...)` works as it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable


class ActorKind(StrEnum):
    ANONYMOUS = "anonymous"
    USER = "user"  # a portal user of a gemeente, zorgaanbieder or the CIZ
    OPERATOR = "operator"  # a portal user of the operator organisation
    SYSTEM = "system"  # the command line, housekeeping, jobs: a shell on the server
    API_CLIENT = "api"  # a webservice credential: one organisation, one product
    SCIM = "scim"  # a SCIM token: one organisation's user provisioning


Grant = tuple[str, str]  # (product code, role)


@dataclass(eq=False)
class Principal:
    """An actor as the rules see it. Construct it through the owners' helpers, not by hand."""

    kind: ActorKind
    # What the audit trail shows: a login name, "housekeeping", a credential's name.
    name: str
    # The user's, credential's or token's id; None for anonymous and system actors.
    id: int | None = None
    organisation_id: int | None = None
    is_administrator: bool = False
    # An API credential's product code; None for every other kind.
    product: str | None = None
    # Whether the actor may act at all (a deactivated user's principal exists but may not).
    active: bool = True
    # The model behind the principal (a User, a credential) for services that need it.
    subject: Any = field(default=None, repr=False)
    # Loaded on first use: most requests ask neither.
    agreements_loader: Callable[[], bool] | None = field(default=None, repr=False)
    grants_loader: Callable[[], frozenset[Grant]] | None = field(default=None, repr=False)
    _agreements: bool | None = field(default=None, init=False, repr=False)
    _grants: frozenset[Grant] | None = field(default=None, init=False, repr=False)

    @property
    def is_operator(self) -> bool:
        """Acts with the operator's authority: operator staff and the server's own shell."""
        return self.kind in (ActorKind.OPERATOR, ActorKind.SYSTEM)

    @property
    def user(self) -> Any:
        """The portal user behind the principal (for created-by and granted-by columns), or
        None for the command line, a credential or a token."""
        return self.subject if self.kind in (ActorKind.USER, ActorKind.OPERATOR) else None

    @property
    def is_authenticated(self) -> bool:
        return self.kind != ActorKind.ANONYMOUS

    @property
    def agreements_complete(self) -> bool:
        """SPEC 2: the actor's organisation has every required agreement registered."""
        if self.is_operator:
            return True
        if self._agreements is None:
            self._agreements = bool(self.agreements_loader()) if self.agreements_loader else False
        return self._agreements

    @property
    def grants(self) -> frozenset[Grant]:
        """The active role grants of a user, for products its organisation has."""
        if self._grants is None:
            self._grants = self.grants_loader() if self.grants_loader else frozenset()
        return self._grants

    def holds(self, product_code: str, role: str) -> bool:
        return (product_code, role) in self.grants

    def __str__(self) -> str:
        return self.name


@runtime_checkable
class HasPrincipal(Protocol):
    def as_principal(self) -> Principal: ...


Actor = Principal | HasPrincipal | None

ANONYMOUS = Principal(ActorKind.ANONYMOUS, name="")


def system(name: str) -> Principal:
    """A named actor for the server's own work: "commandline", "housekeeping", "demo", "jobs".
    It has the operator's authority: whoever runs it has a shell on the server."""
    return Principal(ActorKind.SYSTEM, name=name)


COMMAND_LINE = system("commandline")
HOUSEKEEPING = system("housekeeping")
DEMO = system("demo")


def as_principal(actor: Actor) -> Principal:
    """The principal of any caller; anything that is not one is anonymous."""
    if isinstance(actor, Principal):
        return actor
    if actor is not None and hasattr(actor, "as_principal"):
        return actor.as_principal()
    return ANONYMOUS
