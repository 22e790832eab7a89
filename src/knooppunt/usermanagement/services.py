"""What an organisation administrator (or the operator) does to users: create, edit, approve,
(de)activate, delete, appoint administrators, import. Every function checks authorisation once
through `knooppunt.access.rules`, runs in one transaction and writes its audit event; views,
commands and tests call these and nothing else changes a user.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.access import rules
from knooppunt.access import services as access_services
from knooppunt.access.services import set_grants  # noqa: F401  (part of this module's API)
from knooppunt.accounts import services as account_services
from knooppunt.accounts.models import PasswordHistory, PasswordLink, Status, User
from knooppunt.accounts.passwords import send_invitation
from knooppunt.audit.services import record
from knooppunt.core.doors import service
from knooppunt.organisations.models import Organisation

from .signals import user_erased

# The fields of "Gebruiker wijzigen" besides the personal data of accounts.services.
SWITCHES = ("nieuwsbrief", "contactpersoon")
# What delete_user erases at once (SPEC 3); the tombstone keeps login name, name and reason.
ERASED_FIELDS = ("email", "telefoonnummer", "uzi_nummer", "memo", "password", "second factors")


class StaleUserError(Exception):
    """The user was changed by someone else since the page was loaded (optimistic locking)."""

    def __init__(self, current_version: int):
        super().__init__(current_version)
        self.current_version = current_version


def _lock(user) -> User:
    """The user's row, locked for the rest of the transaction."""
    return (
        User.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=user.pk)
    )


def _lock_organisation(organisation_id) -> None:
    """Serialise the changes that could leave an organisation without an active administrator:
    two administrators removing each other at the same moment must not both succeed."""
    list(Organisation.objects.select_for_update().filter(pk=organisation_id).values("pk"))


def _sync(user: User, locked: User) -> None:
    """Let the caller's object see what was written."""
    for f in User._meta.concrete_fields:
        setattr(user, f.attname, getattr(locked, f.attname))


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
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(message, code="self")


# --- create ----------------------------------------------------------------------------------


@transaction.atomic
def create_colleague(actor, organisation, data: dict, *, request=None) -> User:
    """Portero 3.2: an invited user with a generated login name and an invitation e-mail."""
    rules.require(actor, "user.create_in", organisation)
    return account_services.create_user(actor, organisation, data, request=request)


@service(rule="user.resend_invitation", audit=("user.resend_invitation",))
def resend_invitation(actor, user: User, *, request=None) -> None:
    """ "Uitnodiging opnieuw versturen" for an invited user: a new set-password link by mail;
    the new link voids every earlier one (accounts.passwords.create_link)."""
    rules.require(actor, "user.resend_invitation", user)
    locked = _lock(user)
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


@transaction.atomic
def update_user(actor, user: User, data: dict, *, expected_version: int, request=None) -> list:
    """Save the personal data and the nieuwsbrief/contactpersoon switches, unless the user was
    changed since `expected_version` was read. Returns the names of the changed fields."""
    rules.require(actor, "user.change", user)
    locked = _lock(user)
    if locked.version != expected_version:
        raise StaleUserError(locked.version)
    if locked.status in (Status.DELETED, Status.EXPIRED):
        raise ValidationError(
            _("Een verwijderde of verlopen gebruiker kan niet meer worden gewijzigd."),
            code="final_status",
        )
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
    if changed:
        for name in changed:
            setattr(locked, name, values[name])
        locked.version += 1
        locked.save()
        # Field names only: old and new values of personal data do not belong in a trail that
        # outlives the erasure of that data.
        record(
            "user.change",
            actor=actor,
            request=request,
            organisation=locked.organisation_id,
            target=locked,
            details={"fields": changed},
        )
    _sync(user, locked)
    return changed


@transaction.atomic
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
    and the administrator right in one transaction, all or nothing. Saving a self-registered
    user that awaits approval approves it (BIDN 3.1)."""
    changed = update_user(actor, user, data, expected_version=expected_version, request=request)
    if grants is not None:
        result = set_grants(actor, user, grants, request=request)
        if result["granted"] or result["revoked"]:
            changed.append("rollen")
    if is_administrator is not None and is_administrator != user.is_administrator:
        set_administrator(actor, user, is_administrator, request=request)
        changed.append("is_administrator")
    if user.self_registered and user.approved_at is None:
        approve_user(actor, user, request=request)
    return changed


@transaction.atomic
def approve_user(actor, user: User, *, request=None) -> bool:
    """BIDN 3.1: the administrator has checked a self-registered user; it leaves the dashboard
    tab "Gebruikersbeheer". Its status stays pending until the person enters the code."""
    rules.require(actor, "user.approve", user)
    locked = _lock(user)
    if not locked.self_registered or locked.approved_at is not None:
        return False
    if locked.status not in (Status.PENDING, Status.ACTIVE):
        raise ValidationError(_("Deze gebruiker kan niet worden goedgekeurd."), code="status")
    locked.approved_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["approved_at", "version"])
    record(
        "user.approve",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
    )
    _sync(user, locked)
    return True


@transaction.atomic
def set_administrator(actor, user: User, value: bool, *, request=None) -> bool:
    """Grant or withdraw the administrator right ("gebruikersbeheerder"). The last active
    administrator of an organisation keeps it."""
    rules.require(actor, "user.set_administrator", user)
    _lock_organisation(user.organisation_id)
    locked = _lock(user)
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
    locked.version += 1
    locked.save(update_fields=["is_administrator", "version"])
    record(
        "user.set_administrator",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
        details={"is_administrator": value},
    )
    _sync(user, locked)
    return True


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


@transaction.atomic
def deactivate_user(actor, user: User, *, until: datetime.date | None = None, request=None):
    """Switch "Actief" off, optionally until a date (then housekeeping reactivates the user)."""
    rules.require(actor, "user.deactivate", user)
    _lock_organisation(user.organisation_id)
    locked = _lock(user)
    _refuse_self(actor, locked, _("U kunt uzelf niet deactiveren."))
    if locked.status != Status.ACTIVE:
        raise ValidationError(
            _("Alleen een actieve gebruiker kan worden gedeactiveerd."), code="status"
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
    locked.status = Status.ACTIVE
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


@transaction.atomic
def reactivate_user(actor, user: User, *, restore_roles: bool = False, request=None) -> list:
    """Switch "Actief" on again. Roles come back only when asked (SPEC 3: not silently)."""
    rules.require(actor, "user.reactivate", user)
    locked = _lock(user)
    if locked.status != Status.DEACTIVATED:
        raise ValidationError(
            _("Alleen een gedeactiveerde gebruiker kan weer actief worden gemaakt."),
            code="status",
        )
    restored = _reactivate(actor, locked, restore_roles, request)
    _sync(user, locked)
    return restored


def reactivate_due(today: datetime.date | None = None) -> int:
    """Housekeeping: users whose deactivation end date has come are active again. Their roles
    stay suspended; the administrator restores them with one click on the user's page."""
    today = today or timezone.localdate()
    count = 0
    due = User.objects.filter(status=Status.DEACTIVATED, deactivated_until__lte=today)
    for pk in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            locked = User.objects.select_for_update().filter(pk=pk).first()
            if locked is None or locked.status != Status.DEACTIVATED:
                continue
            if locked.deactivated_until is None or locked.deactivated_until > today:
                continue
            _reactivate(None, locked, False, None)
            count += 1
    return count


# --- delete and purge ------------------------------------------------------------------------


def _erase_second_factors(user: User) -> None:
    if apps.is_installed("django_otp"):
        from django_otp import devices_for_user

        for device in devices_for_user(user, confirmed=None):
            device.delete()


@transaction.atomic
def delete_user(actor, user: User, reason: str, *, request=None) -> None:
    """Portero 3.3 / BIDN 3.3.2: delete with a mandatory reason. An active user is deactivated
    in the same step; the personal data the tombstone does not need is erased at once."""
    rules.require(actor, "user.delete", user)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Vul een reden in.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("De reden mag niet langer zijn dan 500 tekens.")})
    _lock_organisation(user.organisation_id)
    locked = _lock(user)
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
    locked.deleted_by = actor
    locked.deletion_reason = reason
    locked.version += 1
    locked.save()
    PasswordHistory.objects.filter(user=locked).delete()
    PasswordLink.objects.filter(user=locked).delete()
    locked.role_grants.all().delete()
    _erase_second_factors(locked)
    user_erased.send(sender=User, user=locked)
    record(
        "user.delete",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
        details={"reason": reason, "erased": list(ERASED_FIELDS)},
    )
    _sync(user, locked)


def purge_deleted(now: datetime.datetime | None = None) -> int:
    """Housekeeping: remove tombstones older than KNOOPPUNT_DELETED_RETENTION. The audit trail
    keeps the user id and login name."""
    now = now or timezone.now()
    cutoff = now - settings.KNOOPPUNT_DELETED_RETENTION
    count = 0
    due = User.objects.filter(status=Status.DELETED, deleted_at__lt=cutoff)
    for pk in due.values_list("pk", flat=True).iterator():
        try:
            with transaction.atomic():
                user = User.objects.select_for_update().filter(pk=pk).first()
                if user is None or user.status != Status.DELETED:
                    continue
                record(
                    "user.purge",
                    organisation=user.organisation_id,
                    target=user,
                    actor_username="housekeeping",
                    details={"deleted_at": user.deleted_at.isoformat()},
                )
                user.delete()
                count += 1
        except ProtectedError:
            continue  # still referenced elsewhere; tried again at the next run
    return count


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


@transaction.atomic
def import_users(
    actor, organisation, rows: list[ImportRow], *, valid_only: bool = False, request=None
) -> ImportReport:
    """Create a user per row, by the same rules as the form. With one bad row nothing is
    imported, unless the administrator chose to import only the valid rows."""
    rules.require(actor, "user.import_into", organisation)
    check_import_rows(organisation, rows)
    report = ImportReport(rows, [], valid_only)
    if report.invalid_rows and not valid_only:
        return report
    for row in rows:
        if row.valid:
            row.user = account_services.create_user(
                actor, organisation, row.data, invite=False, request=request
            )
            report.imported.append(row.user)
    # Invitations last: a failure in any row above leaves no mail sent for a user that the
    # rollback removed.
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
