"""The doors of SCIM provisioning (SPEC 9). Tokens are issued and revoked by people; everything a
token does to users and roles goes through the user-management and role services with the token
as the actor, so the same rules, cascades, guards and audit apply as on the screens."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.access import rules
from knooppunt.access import services as access_services
from knooppunt.access.principals import as_principal
from knooppunt.accounts.models import Status, User
from knooppunt.audit.services import record
from knooppunt.core.doors import nothing_changed, service
from knooppunt.organisations.models import Organisation
from knooppunt.usermanagement import services as um
from knooppunt.usermanagement.services import StaleUserError

from . import tokens
from .models import ClientGroup, ExternalId, ScimToken
from .users import Wanted, changed_fields

NAME_LIMIT = 100


# --- tokens ----------------------------------------------------------------------------------


def _clean_token_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Geef de koppeling een naam.")})
    if len(name) > NAME_LIMIT:
        raise ValidationError(
            {"name": _("Gebruik ten hoogste %(limit)d tekens.") % {"limit": NAME_LIMIT}}
        )
    return name


@service(rule="scim.token.issue", audit=("scim.token_issue",))
def issue_token(
    actor,
    organisation: Organisation,
    *,
    name: str,
    expires_on: datetime.date | None = None,
    networks: list[str] | None = None,
    request=None,
) -> tuple[ScimToken, str]:
    """A new token for the organisation's provisioning client; returns it with its secret,
    which is shown once and never stored."""
    rules.require(actor, "scim.token.issue", organisation)
    name = _clean_token_name(name)
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("Kies vandaag of een latere datum.")})
    usable = ScimToken.objects.filter(organisation=organisation, revoked_at__isnull=True)
    if usable.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("Er is al een koppeling met deze naam.")})
    secret = tokens.new_secret()
    principal = as_principal(actor)
    token = ScimToken.objects.create(
        organisation=organisation,
        name=name,
        token_hash=tokens.token_hash(secret),
        prefix=tokens.display_prefix(secret),
        allowed_networks=list(networks or []),
        expires_on=expires_on,
        created_by=principal.user,
        created_by_username=principal.name[:150],
    )
    record(
        "scim.token_issue",
        actor=actor,
        request=request,
        organisation=organisation,
        target=token,
        details=_token_details(token),
    )
    return token, secret


def _token_details(token: ScimToken) -> dict:
    return {
        "name": token.name,
        "expires_on": token.expires_on.isoformat() if token.expires_on else None,
        "allowed_networks": list(token.allowed_networks),
    }


@service(rule="scim.token.revoke", audit=("scim.token_revoke",))
def revoke_token(actor, token: ScimToken, *, request=None) -> bool:
    """Revoke at once: the next request with the token is refused."""
    rules.require(actor, "scim.token.revoke", token)
    locked = ScimToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        nothing_changed()
        return False
    locked.revoked_at = timezone.now()
    locked.revoked_by_username = as_principal(actor).name[:150]
    locked.save(update_fields=["revoked_at", "revoked_by_username"])
    token.revoked_at, token.revoked_by_username = locked.revoked_at, locked.revoked_by_username
    record(
        "scim.token_revoke",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
        details=_token_details(locked),
    )
    return True


# --- users -----------------------------------------------------------------------------------


def _lock(user: User) -> User:
    """The organisation's row, then the user's: the one lock order of user management."""
    list(Organisation.objects.select_for_update().filter(pk=user.organisation_id).values("pk"))
    return (
        User.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=user.pk)
    )


def _bump(user: User) -> None:
    User.objects.filter(pk=user.pk).update(version=F("version") + 1)
    user.version += 1


def _set_external_id(actor, user: User, value: str | None, *, from_user_name: bool, request):
    """Keep (or forget) the client's identifier of the user; True when it changed."""
    current = ExternalId.objects.filter(user=user).first()
    if value is None or value == "":
        if current is None:
            return False
        current.delete()
    elif current is None:
        ExternalId.objects.create(user=user, value=value, from_user_name=from_user_name)
    elif current.value != value or current.from_user_name != from_user_name:
        if current.value == value:
            current.from_user_name = from_user_name
            current.save(update_fields=["from_user_name"])
            return False
        current.value, current.from_user_name = value, from_user_name
        current.save(update_fields=["value", "from_user_name"])
    else:
        return False
    record(
        "user.change",
        actor=actor,
        request=request,
        organisation=user.organisation_id,
        target=user,
        details={"fields": ["externalId"]},
    )
    return True


def _unique_email(exc: IntegrityError) -> ValidationError:
    return ValidationError({"email": _("Dit e-mailadres is al in gebruik.")}, code="duplicate")


@service(rule="user.create_in", audit=("user.create", "user.deactivate", "user.change"))
def create_user(
    actor, organisation: Organisation, wanted: Wanted, *, client_user_name=None, request=None
) -> User:
    """POST /Users: an invited user with a login name of ours and the invitation mail
    (usermanagement.create_colleague). The client's userName is kept as its externalId when it
    sends none; `active: false` creates the user switched off."""
    rules.require(actor, "user.create_in", organisation)
    try:
        with transaction.atomic():
            user = um.create_colleague(actor, organisation, wanted.data, request=request)
    except IntegrityError as exc:  # the same address registered a moment ago
        raise _unique_email(exc) from None
    external = wanted.external_id or client_user_name
    if external:
        ExternalId.objects.create(user=user, value=external, from_user_name=not wanted.external_id)
    else:  # known to have none: the answer needs no query to find that out
        User.scim_external_id.related.set_cached_value(user, None)
    if wanted.active is False:
        um.deactivate_user(actor, user, request=request)
    return user


@service(
    rule="user.change",
    audit=("user.change", "user.deactivate", "user.reactivate", "role.restore"),
)
def change_user(
    actor,
    user: User,
    wanted: Wanted,
    *,
    expected_version: int | None = None,
    from_user_name: bool = False,
    request=None,
) -> User:
    """PUT or PATCH /Users/{id}: the personal data, then `active` (deactivation with the
    cascade of BIDN 3.3.1, reactivation without the roles, SPEC 3), then the externalId
    (`from_user_name`: it is the client's userName). A stale If-Match raises
    StaleUserError."""
    rules.require(actor, "user.change", user)
    locked = _lock(user)
    if expected_version is not None and locked.version != expected_version:
        raise StaleUserError(locked.version)
    changed = False
    if changed_fields(locked, wanted.data):
        try:
            with transaction.atomic():
                um.update_user(
                    actor, locked, wanted.data, expected_version=locked.version, request=request
                )
        except IntegrityError as exc:
            raise _unique_email(exc) from None
        changed = True
    if wanted.active is False and locked.status in (Status.ACTIVE, Status.INVITED):
        um.deactivate_user(actor, locked, request=request)
        changed = True
    elif wanted.active is True and locked.status == Status.DEACTIVATED:
        um.reactivate_user(actor, locked, restore_roles=False, request=request)
        changed = True
    elif wanted.active is True and locked.status == Status.EXPIRED:
        raise ValidationError(
            _("Een verlopen gebruiker kan niet weer actief worden; maak een nieuwe gebruiker aan."),
            code="final_status",
        )
    if _set_external_id(
        actor, locked, wanted.external_id, from_user_name=from_user_name, request=request
    ):
        _bump(locked)
        changed = True
    if not changed:
        nothing_changed()
    user.refresh_from_db()
    return user


@service(rule="user.delete", audit=("user.delete", "user.deactivate"))
def delete_user(actor, user: User, *, expected_version: int | None = None, request=None) -> None:
    """DELETE /Users/{id}: usermanagement.delete_user with the reason "Verwijderd via
    SCIM-koppeling <naam>"; the client's identifier and its group memberships go with it."""
    rules.require(actor, "user.delete", user)
    if expected_version is not None and _lock(user).version != expected_version:
        raise StaleUserError(User.objects.get(pk=user.pk).version)
    token = as_principal(actor).subject
    # Stored data, in Dutch whatever the language of the request.
    reason = f"Verwijderd via SCIM-koppeling {token.name}"
    um.delete_user(actor, user, reason, request=request)
    ExternalId.objects.filter(user=user).delete()
    ClientGroup.members.through.objects.filter(user_id=user.pk).delete()


# --- groups ----------------------------------------------------------------------------------


@service(rule="user.grant_roles", audit=("role.grant", "role.revoke"))
def change_role_members(
    actor, product, role: str, *, add: list[User], remove: list[User], request=None
) -> bool:
    """Members of a product role's group added or removed: the role granted or revoked
    (access.services), each audited, all or nothing."""
    rules.require(actor, "scim.provision")
    changed = False
    for user in add:
        changed |= (
            access_services.grant_role(actor, user, product, role, request=request) is not None
        )
    for user in remove:
        changed |= access_services.revoke_role(actor, user, product, role, request=request)
    if not changed:
        nothing_changed()
    return changed


def _clean_group_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"displayName": _("Een groep heeft een naam.")})
    if len(name) > 255:
        raise ValidationError({"displayName": _("Gebruik ten hoogste 255 tekens.")})
    return name


@service(rule="scim.group.change", audit=("scim.group_create",))
def create_client_group(
    actor, organisation, *, display_name, external_id=None, members=(), request=None
) -> ClientGroup:
    """POST /Groups with a name that is not a product role: kept, grants nothing."""
    group = ClientGroup(organisation=organisation)
    rules.require(actor, "scim.group.change", group)
    group.display_name = _clean_group_name(display_name)
    group.external_id = external_id or ""
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:
        raise ValidationError(
            {"displayName": _("Er is al een groep met deze naam.")}, code="duplicate"
        ) from None
    group.members.set(members)
    record(
        "scim.group_create",
        actor=actor,
        request=request,
        organisation=organisation,
        target=group,
        details={"display_name": group.display_name, "added": [str(u.pk) for u in members]},
    )
    return group


@service(rule="scim.group.change", audit=("scim.group_change",))
def change_client_group(
    actor,
    group: ClientGroup,
    *,
    display_name: str,
    external_id: str | None,
    members: list[User],
    expected_version: int | None = None,
    request=None,
) -> ClientGroup:
    rules.require(actor, "scim.group.change", group)
    locked = ClientGroup.objects.select_for_update().get(pk=group.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleUserError(locked.version)
    name = _clean_group_name(display_name)
    before = set(locked.members.values_list("pk", flat=True))
    after = {u.pk for u in members}
    if (
        name == locked.display_name
        and (external_id or "") == locked.external_id
        and before == after
    ):
        nothing_changed()
        return locked
    locked.display_name, locked.external_id = name, external_id or ""
    locked.version += 1
    locked.updated_at = timezone.now()
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise ValidationError(
            {"displayName": _("Er is al een groep met deze naam.")}, code="duplicate"
        ) from None
    locked.members.set(members)
    record(
        "scim.group_change",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
        details={
            "display_name": name,
            "added": [str(pk) for pk in sorted(after - before)],
            "removed": [str(pk) for pk in sorted(before - after)],
        },
    )
    return locked


@service(rule="scim.group.change", audit=("scim.group_delete",))
def delete_client_group(
    actor, group: ClientGroup, *, expected_version: int | None = None, request=None
) -> None:
    rules.require(actor, "scim.group.change", group)
    locked = ClientGroup.objects.select_for_update().get(pk=group.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleUserError(locked.version)
    record(
        "scim.group_delete",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
        details={"display_name": locked.display_name},
    )
    locked.delete()
