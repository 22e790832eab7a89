"""What an organisation administrator (or the operator) does to users: create, edit, approve,
(de)activate, delete, appoint administrators, import. Every function checks authorisation once
through `knooppunt.access.rules`, runs in one transaction and writes its audit event; views,
commands, SCIM and tests call these and nothing else changes a user.

Lock order, everywhere in the code base: the organisation's row first, then the user's row
(`_lock_both`). Two administrators acting on the same user at once then wait for each other
instead of deadlocking.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.access import rules
from knooppunt.access import services as access_services
from knooppunt.access.principals import HOUSEKEEPING, ActorKind, as_principal
from knooppunt.accounts import services as account_services
from knooppunt.accounts.models import PasswordHistory, PasswordLink, Status, User
from knooppunt.accounts.passwords import send_invitation
from knooppunt.accounts.principals import forget_principal
from knooppunt.audit.services import record
from knooppunt.core.doors import nothing_changed, service
from knooppunt.organisations.models import Organisation

# The fields of "Gebruiker wijzigen" besides the personal data of accounts.services.
SWITCHES = ("nieuwsbrief", "contactpersoon")
# What delete_user erases at once (SPEC 3); the tombstone keeps login name, name and reason.
ERASED_FIELDS = ("email", "telefoonnummer", "uzi_nummer", "memo", "password", "second factors")


class StaleUserError(Exception):
    """The user was changed by someone else since the page was loaded (optimistic locking)."""

    def __init__(self, current_version: int):
        super().__init__(current_version)
        self.current_version = current_version


def _lock_both(user) -> User:
    """The organisation's row, then the user's, locked for the rest of the transaction (the
    one lock order). The organisation's lock serialises the changes that could leave it
    without an active administrator: two administrators removing each other at the same
    moment must not both succeed."""
    list(Organisation.objects.select_for_update().filter(pk=user.organisation_id).values("pk"))
    return (
        User.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=user.pk)
    )


def _sync(user: User, locked: User) -> None:
    """Let the caller's object see what was written (and judge it afresh)."""
    for f in User._meta.concrete_fields:
        setattr(user, f.attname, getattr(locked, f.attname))
    forget_principal(user)


def is_last_active_administrator(user: User) -> bool:
    if not (user.is_administrator and user.status == Status.ACTIVE):
        return False
    others = User.objects.filter(
        organisation_id=user.organisation_id, is_administrator=True, status=Status.ACTIVE
    ).exclude(pk=user.pk)
    return not others.exists()


def _guard_last_administrator(user: User, message: str) -> None:
    if is_last_active_administrator(user):
        raise ValidationError(message, code="last_administrator")


def _refuse_self(actor, user: User, message: str) -> None:
    principal = as_principal(actor)
    if principal.kind in (ActorKind.USER, ActorKind.OPERATOR) and principal.id == user.pk:
        raise ValidationError(message, code="self")


# --- create ---------------------------------------------------------------------------------


@service(rule="user.create_in", audit=("user.create",))
def create_colleague(actor, organisation, data: dict, *, invite: bool = True, request=None) -> User:
    """Portero 3.2: an invited user with a generated login name and an invitation e-mail
    (`invite=False`: the caller hands out the first set-password link itself)."""
    rules.require(actor, "user.create_in", organisation)
    return account_services.new_user(actor, organisation, data, invite=invite, request=request)


@service(rule="user.resend_invitation", audit=("user.resend_invitation",))
def resend_invitation(actor, user: User, *, request=None) -> None:
    """ "Uitnodiging opnieuw versturen" for an invited user: a new set-password link by mail;
    the new link voids every earlier one (accounts.passwords.create_link)."""
    rules.require(actor, "user.resend_invitation", user)
    locked = _lock_both(user)
    if locked.status != Status.INVITED:
        raise ValidationError(
            _("Alleen een uitgenodigde gebruiker kan opnieuw worden uitgenodigd."), code="status"
        )
    send_invitation(locked)
    record(
        "user.resend_invitation",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
    )


# --- edit ------------------------------------------------------------------------------------


def _check_editable(locked: User, expected_version: int) -> None:
    if locked.version != expected_version:
        raise StaleUserError(locked.version)
    if locked.status in (Status.DELETED, Status.EXPIRED):
        raise ValidationError(
            _("Een verwijderde of verlopen gebruiker kan niet meer worden gewijzigd."),
            code="final_status",
        )


def _apply_personal_data(actor, locked: User, data: dict, request) -> list[str]:
    """The personal data and the nieuwsbrief/contactpersoon switches on the locked user (not
    saved); returns the names of the changed fields, audited by name only: old and new values
    of personal data do not belong in a trail that outlives their erasure."""
    values = account_services.clean_personal_data(
        data, locked.organisation, exclude_user_id=locked.pk
    )
    for name in SWITCHES:
        if name in data:
            values[name] = bool(data[name])
    if locked.status == Status.DEACTIVATED and any(values.get(n) for n in SWITCHES):
        message = _(
            "Een gedeactiveerde gebruiker krijgt geen nieuwsbrief en is geen contactpersoon."
        )
        raise ValidationError({name: message for name in SWITCHES if values.get(name)})
    changed = sorted(name for name, value in values.items() if getattr(locked, name) != value)
    for name in changed:
        setattr(locked, name, values[name])
    if changed:
        record(
            "user.change",
            actor=actor,
            request=request,
            organisation=locked.organisation_id,
            target=locked,
            details={"fields": changed},
        )
    return changed


def _apply_administrator(actor, locked: User, value: bool, request) -> bool:
    """Grant or withdraw the administrator right on the locked user (not saved). The last
    active administrator of an organisation keeps it."""
    if locked.is_administrator == value:
        return False
    if value and locked.status not in (Status.INVITED, Status.PENDING, Status.ACTIVE):
        raise ValidationError(
            _("Alleen een actieve of nieuwe gebruiker kan gebruikersbeheerder worden."),
            code="status",
        )
    if not value:
        _guard_last_administrator(
            locked,
            _(
                "Dit is de laatste actieve gebruikersbeheerder van de organisatie; "
                "benoem eerst een andere gebruikersbeheerder."
            ),
        )
    locked.is_administrator = value
    record(
        "user.set_administrator",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
        details={"is_administrator": value},
    )
    return True


def _apply_approval(actor, locked: User, request) -> bool:
    """BIDN 3.1: the administrator has checked a self-registered user; it leaves the dashboard
    tab "Gebruikersbeheer". Its status stays pending until the person enters the code."""
    if not locked.self_registered or locked.approved_at is not None:
        return False
    if locked.status not in (Status.PENDING, Status.ACTIVE):
        raise ValidationError(_("Deze gebruiker kan niet worden goedgekeurd."), code="status")
    locked.approved_at = timezone.now()
    record(
        "user.approve",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
    )
    return True


def _save_changed(user: User, locked: User, changed: bool) -> None:
    """One version bump and one write per save, whatever it changed."""
    if changed:
        locked.version += 1
        locked.save()
    else:
        nothing_changed()
    _sync(user, locked)


@service(rule="user.change", audit=("user.change",))
def update_user(actor, user: User, data: dict, *, expected_version: int, request=None) -> list:
    """Save the personal data and the nieuwsbrief/contactpersoon switches, unless the user was
    changed since `expected_version` was read. Returns the names of the changed fields."""
    rules.require(actor, "user.change", user)
    locked = _lock_both(user)
    _check_editable(locked, expected_version)
    changed = _apply_personal_data(actor, locked, data, request)
    _save_changed(user, locked, bool(changed))
    return changed


@service(
    rule="user.change",
    audit=("user.change", "role.grant", "role.revoke", "user.set_administrator", "user.approve"),
)
def edit_user(
    actor,
    user: User,
    data: dict,
    *,
    expected_version: int,
    grants: set | None = None,
    is_administrator: bool | None = None,
    request=None,
) -> list:
    """The "Wijzigingen Opslaan" of "Gebruiker wijzigen": personal data, switches, role grants
    and the administrator right in one transaction, all or nothing, with one check, one lock
    and one version bump. Saving a self-registered user that awaits approval approves it
    (BIDN 3.1). (The rules of "user.change", "user.grant_roles" and "user.set_administrator"
    are one and the same scope.)"""
    rules.require(actor, "user.change", user)
    locked = _lock_both(user)
    _check_editable(locked, expected_version)
    changed = _apply_personal_data(actor, locked, data, request)
    if grants is not None:
        result = access_services.apply_grants(actor, locked, grants, request)
        if result["granted"] or result["revoked"]:
            changed.append("rollen")
    if is_administrator is not None and _apply_administrator(
        actor, locked, is_administrator, request
    ):
        changed.append("is_administrator")
    approved = _apply_approval(actor, locked, request)
    _save_changed(user, locked, bool(changed) or approved)
    return changed


@service(rule="user.approve", audit=("user.approve",))
def approve_user(actor, user: User, *, request=None) -> bool:
    rules.require(actor, "user.approve", user)
    locked = _lock_both(user)
    approved = _apply_approval(actor, locked, request)
    _save_changed(user, locked, approved)
    return approved


@service(rule="user.set_administrator", audit=("user.set_administrator",))
def set_administrator(actor, user: User, value: bool, *, request=None) -> bool:
    """Grant or withdraw the administrator right ("gebruikersbeheerder")."""
    rules.require(actor, "user.set_administrator", user)
    locked = _lock_both(user)
    changed = _apply_administrator(actor, locked, value, request)
    _save_changed(user, locked, changed)
    return changed


# --- deactivate and reactivate ---------------------------------------------------------------


def _deactivate(actor, locked: User, until, request) -> None:
    """BIDN 3.3.1: all roles inactive, nieuwsbrief and contactpersoon to no."""
    roles = access_services.suspend_grants(locked)
    locked.status = Status.DEACTIVATED
    locked.deactivated_at = timezone.now()
    locked.deactivated_until = until
    locked.nieuwsbrief = False
    locked.contactpersoon = False
    locked.version += 1
    locked.save()
    record(
        "user.deactivate",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
        details={"until": until.isoformat() if until else None, "roles": roles},
    )


@service(rule="user.deactivate", audit=("user.deactivate",))
def deactivate_user(actor, user: User, *, until: datetime.date | None = None, request=None):
    """Switch "Actief" off, optionally until a date (then housekeeping reactivates the user)."""
    rules.require(actor, "user.deactivate", user)
    locked = _lock_both(user)
    _refuse_self(actor, locked, _("U kunt uzelf niet deactiveren."))
    # An invited user can be deactivated too: a provisioning client (SCIM) switches off a
    # leaver who never set a password; the invitation link stops working with it.
    if locked.status not in (Status.ACTIVE, Status.INVITED):
        raise ValidationError(
            _("Alleen een actieve of uitgenodigde gebruiker kan worden gedeactiveerd."),
            code="status",
        )
    if until is not None and until <= timezone.localdate():
        raise ValidationError({"until": _("Kies een datum na vandaag.")})
    _guard_last_administrator(
        locked,
        _(
            "Dit is de laatste actieve gebruikersbeheerder van de organisatie en kan niet "
            "worden gedeactiveerd. Benoem eerst een andere gebruikersbeheerder."
        ),
    )
    _deactivate(actor, locked, until, request)
    _sync(user, locked)


def _reactivate(actor, locked: User, restore_roles: bool, request) -> list[str]:
    # One deactivated before it ever logged in or set a password is invited again (a
    # set-password link works for it again).
    invited = locked.last_login is None and not locked.has_usable_password()
    locked.status = Status.INVITED if invited else Status.ACTIVE
    locked.deactivated_at = None
    locked.deactivated_until = None
    locked.version += 1
    locked.save()
    restored = access_services.restore_suspended(actor, locked, request) if restore_roles else []
    record(
        "user.reactivate",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
        details={"restored_roles": restored},
    )
    return restored


@service(rule="user.reactivate", audit=("user.reactivate", "role.restore"))
def reactivate_user(actor, user: User, *, restore_roles: bool = False, request=None) -> list:
    """Switch "Actief" on again. Roles come back only when asked (SPEC 3: not silently)."""
    rules.require(actor, "user.reactivate", user)
    locked = _lock_both(user)
    if locked.status != Status.DEACTIVATED:
        raise ValidationError(
            _("Alleen een gedeactiveerde gebruiker kan weer actief worden gemaakt."),
            code="status",
        )
    restored = _reactivate(actor, locked, restore_roles, request)
    _sync(user, locked)
    return restored


@service(rule="user.reactivate", audit=("user.reactivate",))
def reactivate_when_due(actor, user: User, today: datetime.date) -> bool:
    """Housekeeping, for one user: active again when its deactivation end date has come. Its
    roles stay suspended; the administrator restores them with one click on the user's page."""
    rules.require(actor, "user.reactivate", user)
    locked = _lock_both(user)
    until = locked.deactivated_until
    if locked.status != Status.DEACTIVATED or until is None or until > today:
        nothing_changed()
        return False
    _reactivate(actor, locked, False, None)
    return True


def reactivate_due(today: datetime.date | None = None) -> int:
    """Housekeeping: the users whose deactivation end date has come, one transaction each."""
    today = today or timezone.localdate()
    due = User.objects.filter(status=Status.DEACTIVATED, deactivated_until__lte=today)
    return sum(
        reactivate_when_due(HOUSEKEEPING, user, today)
        for user in due.only("pk", "organisation_id").iterator()
    )


# --- delete and purge ------------------------------------------------------------------------


def _erase_second_factors(user: User) -> None:
    from django_otp import devices_for_user

    for device in devices_for_user(user, confirmed=None):
        device.delete()


@service(rule="user.delete", audit=("user.delete", "user.deactivate"))
def delete_user(actor, user: User, reason: str, *, request=None) -> None:
    """Portero 3.3 / BIDN 3.3.2: delete with a mandatory reason. An active user is deactivated
    in the same step; the personal data the tombstone does not need is erased at once."""
    rules.require(actor, "user.delete", user)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Vul een reden in.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("De reden mag niet langer zijn dan 500 tekens.")})
    locked = _lock_both(user)
    _refuse_self(actor, locked, _("U kunt uzelf niet verwijderen."))
    if locked.status == Status.DELETED:
        raise ValidationError(_("Deze gebruiker is al verwijderd."), code="status")
    _guard_last_administrator(
        locked,
        _(
            "Dit is de laatste actieve gebruikersbeheerder van de organisatie en kan niet "
            "worden verwijderd. Benoem eerst een andere gebruikersbeheerder."
        ),
    )
    if locked.status == Status.ACTIVE:
        _deactivate(actor, locked, None, request)
    locked.email = ""
    locked.telefoonnummer = ""
    locked.uzi_nummer = ""
    locked.memo = ""
    locked.verification_code = ""
    locked.nieuwsbrief = False
    locked.contactpersoon = False
    locked.is_administrator = False
    locked.deactivated_until = None
    locked.set_unusable_password()
    locked.status = Status.DELETED
    locked.deleted_at = timezone.now()
    locked.deleted_by = as_principal(actor).user
    locked.deletion_reason = reason
    locked.version += 1
    locked.save()
    PasswordHistory.objects.filter(user=locked).delete()
    PasswordLink.objects.filter(user=locked).delete()
    locked.role_grants.all().delete()
    _erase_second_factors(locked)
    record(
        "user.delete",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
        details={"reason": reason, "erased": list(ERASED_FIELDS)},
    )
    _sync(user, locked)


@service(rule="user.purge", audit=("user.purge",))
def purge_tombstone(actor, user: User, cutoff: datetime.datetime) -> bool:
    """Housekeeping, for one tombstone older than the retention period: remove it. The audit
    trail keeps the user id and login name."""
    rules.require(actor, "user.purge", user)
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    deleted_at = locked.deleted_at if locked is not None else None
    if locked is None or locked.status != Status.DELETED or not deleted_at or deleted_at >= cutoff:
        nothing_changed()
        return False
    record(
        "user.purge",
        actor=actor,
        organisation=locked.organisation_id,
        target=locked,
        details={"deleted_at": deleted_at.isoformat()},
    )
    locked.delete()
    return True


def purge_deleted(now: datetime.datetime | None = None) -> int:
    """Housekeeping: remove tombstones older than KNOOPPUNT_DELETED_RETENTION, one transaction
    each; one that is still referenced elsewhere is tried again at the next run."""
    now = now or timezone.now()
    cutoff = now - settings.KNOOPPUNT_DELETED_RETENTION
    count = 0
    due = User.objects.filter(status=Status.DELETED, deleted_at__lt=cutoff)
    for user in due.only("pk", "organisation_id").iterator():
        try:
            count += purge_tombstone(HOUSEKEEPING, user, cutoff)
        except ProtectedError:
            continue
    return count


# --- export --------------------------------------------------------------------------------


@service(rule="user.export_from", audit=("user.export",))
def record_user_export(actor, organisation, filters: dict, *, request=None) -> None:
    """The user list was exported (a CSV of personal data leaves the portal): audited."""
    rules.require(actor, "user.export_from", organisation)
    record(
        "user.export",
        actor=actor,
        request=request,
        organisation=organisation.pk if organisation else as_principal(actor).organisation_id,
        details=filters,
    )


# --- bulk import -----------------------------------------------------------------------------


@dataclass
class ImportRow:
    line: int
    data: dict
    errors: list[str] = field(default_factory=list)
    field_errors: dict = field(default_factory=dict)
    user: User | None = None

    @property
    def valid(self) -> bool:
        return not self.errors and not self.field_errors


@dataclass
class ImportReport:
    rows: list[ImportRow]
    imported: list[User]
    valid_only: bool

    @property
    def invalid_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.valid]

    @property
    def nothing_imported(self) -> bool:
        return not self.imported


def check_import_rows(organisation, rows: list[ImportRow]) -> None:
    """Apply the form's rules to every row, plus: an e-mail address only once in the file."""
    seen: dict[str, int] = {}
    for row in rows:
        try:
            cleaned = account_services.clean_personal_data(row.data, organisation)
        except ValidationError as exc:
            row.field_errors = {
                k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()
            }
            continue
        email = cleaned["email"].lower()
        if email in seen:
            row.field_errors["email"] = [
                _("Dit e-mailadres staat ook op regel %(line)s van het bestand.")
                % {"line": seen[email]}
            ]
        else:
            seen[email] = row.line


@service(rule="user.import_into", audit=("user.import", "user.create"))
def import_users(
    actor, organisation, rows: list[ImportRow], *, valid_only: bool = False, request=None
) -> ImportReport:
    """Create a user per row, by the same rules as the form. With one bad row nothing is
    imported, unless the administrator chose to import only the valid rows."""
    rules.require(actor, "user.import_into", organisation)
    check_import_rows(organisation, rows)
    report = ImportReport(rows, [], valid_only)
    if report.invalid_rows and not valid_only:
        nothing_changed()
        return report
    for row in rows:
        if row.valid:
            row.user = account_services.new_user(
                actor, organisation, row.data, invite=False, request=request
            )
            report.imported.append(row.user)
    # The invitations are jobs of this transaction: a failure in any row leaves none queued.
    for user in report.imported:
        send_invitation(user)
    record(
        "user.import",
        actor=actor,
        request=request,
        organisation=organisation,
        details={
            "rows": len(rows),
            "imported": len(report.imported),
            "refused": len(report.invalid_rows),
            "valid_only": valid_only,
        },
    )
    return report
