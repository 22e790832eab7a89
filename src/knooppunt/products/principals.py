"""Webservice credentials as principals of the authorisation module (knooppunt.access.principals),
as `accounts.principals` does for portal users: the API-client actor of one organisation and one
product, and nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from knooppunt.access.principals import ActorKind, Principal

if TYPE_CHECKING:
    from .models import Credential


def principal_for_credential(
    credential: Credential, *, agreements: bool | None = None
) -> Principal:
    """`agreements` when the caller already knows it (the authentication reads it with the
    credential, in the same statement); otherwise it is loaded on first use."""
    organisation = credential.organisation
    principal = Principal(
        ActorKind.API_CLIENT,
        name=credential.name,
        id=credential.pk,
        organisation_id=credential.organisation_id,
        product=credential.product.code,
        active=credential.revoked_at is None,
        subject=credential,
        agreements_loader=organisation.has_all_agreements,
    )
    if agreements is not None:
        principal._agreements = agreements
    return principal
