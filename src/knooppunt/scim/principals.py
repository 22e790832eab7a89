"""A SCIM token as a principal of the authorisation module: its organisation's provisioning,
shown in the audit trail as "via SCIM: <naam>"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from knooppunt.access.principals import ActorKind, Principal

if TYPE_CHECKING:
    from .models import ScimToken


def principal_for_token(token: ScimToken) -> Principal:
    organisation = token.organisation
    return Principal(
        ActorKind.SCIM,
        name=f"via SCIM: {token.name}",
        id=token.pk,
        organisation_id=token.organisation_id,
        active=token.usable and not organisation.is_operator,
        subject=token,
        agreements_loader=organisation.has_all_agreements,
    )
