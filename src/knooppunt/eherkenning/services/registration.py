"""The first login through eHerkenning (BIDN 2.2, SPEC 3 Self-registration): "Persoonlijke
instellingen", a pending user with a verification code, and the code that activates it."""

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from knooppunt.access import rules
from knooppunt.accounts.models import PasswordLink, Status, User
from knooppunt.accounts.services import clean_personal_data, new_pending_user
from knooppunt.audit.models import Outcome
from knooppunt.audit.services import record
from knooppunt.core.doors import inside_service, nothing_changed, service
from knooppunt.organisations.models import Organisation

from ..models import Broker, CodeRecipient, Identity, Registration
from .login import REGISTRATION_KEY, STEP_SECONDS, VERIFICATION_KEY, log_in

# No 0/O, 1/I/L: the code is read out over the phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8

PERSONAL_FIELDS = ("voorletters", "voornaam", "tussenvoegsel", "achternaam", "email")


@dataclass
class PendingRegistration:
    broker: Broker
    organisation: Organisation
    pseudo_id: str
    acr: str


def pending_registration(request) -> PendingRegistration | None:
    """Who the broker vouched for in this session and who has no account yet, or None."""
    data = request.session.get(REGISTRATION_KEY)
    if not isinstance(data, dict) or data.get("until", 0) < time.time():
        return None
    broker = Broker.objects.filter(pk=data.get("broker"), active=True).first()
    organisation = Organisation.objects.filter(
        pk=data.get("organisation"), login_eherkenning=True
    ).first()
    if broker is None or organisation is None:
        return None
    return PendingRegistration(broker, organisation, data["pseudo_id"], data["acr"])


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


@service(rule="account.login", audit=("eherkenning.registration",))
def register(request, pending: PendingRegistration | None, data: dict) -> User:
    """'Opslaan' on "Persoonlijke instellingen": create the pending user and its code.

    When the e-mail address is that of an administrator the operator appointed for this
    organisation (invited, no password yet), that account is the one being registered and the
    operator hands out the code; otherwise a new user is created whose code the organisation's
    administrator hands out (the operator's, while the organisation has no administrator).
    """
    rules.require(request.user, "account.login")
    if pending is None:  # `pending_registration(request)`, read by the caller
        raise ValidationError(
            _("Uw inlogsessie is verlopen. Log opnieuw in met eHerkenning."), code="expired"
        )
    organisation, broker = pending.organisation, pending.broker
    existing = (
        Identity.objects.select_related("user")
        .filter(broker=broker, pseudo_id=pending.pseudo_id, organisation=organisation)
        .exclude(user__status=Status.DELETED)
        .first()
    )
    if existing is not None:  # "Opslaan" twice, or in two tabs: one account
        user = existing.user
        nothing_changed()
    else:
        user = _create_registration(request, pending, data)
    request.session.pop(REGISTRATION_KEY, None)
    if user.status == Status.PENDING:
        await_verification(request, user, pending.acr)
    return user


def _create_registration(request, pending: PendingRegistration, data: dict) -> User:
    organisation = pending.organisation
    email = (data.get("email") or "").strip()
    appointed = (
        User.objects.select_for_update()
        .filter(
            organisation=organisation,
            status=Status.INVITED,
            is_administrator=True,
            email__iexact=email,
        )
        .first()
        if email
        else None
    )
    personal = {name: data.get(name) or "" for name in (*PERSONAL_FIELDS, "telefoonnummer")}
    cleaned = clean_personal_data(
        personal, organisation, exclude_user_id=appointed.pk if appointed else None
    )
    cleaned.pop("uzi_nummer", None)
    cleaned.pop("memo", None)
    now = timezone.now()
    code = new_verification_code()
    if appointed is not None:
        user = appointed
        for name, value in cleaned.items():
            setattr(user, name, value)
        user.status = Status.PENDING
        user.verification_code = code
        user.version += 1
        user.save()
        # The invitation's password link must not bypass the verification.
        PasswordLink.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        code_via = CodeRecipient.OPERATOR
    else:
        try:
            user = new_pending_user(organisation, cleaned, verification_code=code)
        except IntegrityError:  # the same address registered a moment ago
            raise ValidationError(
                {"email": _("Dit e-mailadres is al in gebruik.")}, code="duplicate"
            ) from None
        has_administrator = User.objects.filter(
            organisation=organisation, is_administrator=True, status=Status.ACTIVE
        ).exists()
        code_via = CodeRecipient.ADMINISTRATOR if has_administrator else CodeRecipient.OPERATOR
    # A link left by a deleted user of this person is replaced by the new one.
    Identity.objects.filter(
        broker=pending.broker, pseudo_id=pending.pseudo_id, organisation=organisation
    ).delete()
    Identity.objects.create(
        broker=pending.broker, pseudo_id=pending.pseudo_id, organisation=organisation, user=user
    )
    Registration.objects.update_or_create(
        user=user,
        defaults={
            "broker": pending.broker,
            "code_via": code_via,
            "appointed_administrator": appointed is not None,
            "failed_attempts": 0,
            "created_at": now,
        },
    )
    record(
        "eherkenning.registration",
        actor=user,
        request=request,
        organisation=organisation,
        target=user,
        details={
            "broker": pending.broker.naam,
            "code_via": code_via,
            "appointed_administrator": appointed is not None,
        },
    )
    return user


# --- first login: the verification code --------------------------------------------------------


@inside_service
def await_verification(request, user: User, acr: str) -> None:
    request.session[VERIFICATION_KEY] = {
        "user": user.pk,
        "acr": acr,
        "until": time.time() + STEP_SECONDS,
    }


def user_awaiting_verification(request) -> tuple[User, Registration] | None:
    data = request.session.get(VERIFICATION_KEY)
    if not isinstance(data, dict) or data.get("until", 0) < time.time():
        return None
    user = (
        User.objects.select_related("organisation", "eherkenning_registration")
        .filter(pk=data.get("user"), status=Status.PENDING)
        .first()
    )
    if user is None or not hasattr(user, "eherkenning_registration"):
        return None
    return user, user.eherkenning_registration


@dataclass
class Verification:
    verified: bool
    remaining: int = 0
    blocked: bool = False


def max_code_attempts() -> int:
    return settings.KNOOPPUNT_EHERKENNING_CODE_ATTEMPTS


@service(rule="account.login", audit=("eherkenning.verification",))
def verify(request, code: str) -> Verification:
    """'verifieer': a right code activates the account and logs the person in at once (with a
    new session id); wrong codes count, and after the last allowed attempt the code is void."""
    rules.require(request.user, "account.login")
    data = request.session.get(VERIFICATION_KEY) or {}
    user = (
        User.objects.select_for_update().filter(pk=data.get("user"), status=Status.PENDING).first()
    )
    registration = (
        Registration.objects.select_for_update().filter(user=user).first() if user else None
    )
    if user is None or registration is None:
        nothing_changed()
        return Verification(False, blocked=True)
    allowed = max_code_attempts()
    if not user.verification_code or registration.failed_attempts >= allowed:
        nothing_changed()
        return Verification(False, blocked=True)
    if constant_time_compare(normalise_code(code), user.verification_code):
        now = timezone.now()
        user.status = Status.ACTIVE
        user.verified_at = now
        user.verification_code = ""
        if registration.appointed_administrator:
            user.approved_at = now  # appointed by the operator: no further approval
        user.version += 1
        user.save(
            update_fields=[
                "status",
                "verified_at",
                "verification_code",
                "approved_at",
                "version",
            ]
        )
        record("eherkenning.verification", actor=user, request=request, target=user)
        result = Verification(True)
    else:
        registration.failed_attempts += 1
        registration.save(update_fields=["failed_attempts"])
        blocked = registration.failed_attempts >= allowed
        if blocked:
            user.verification_code = ""
            user.version += 1
            user.save(update_fields=["verification_code", "version"])
        record(
            "eherkenning.verification",
            actor=user,
            request=request,
            target=user,
            outcome=Outcome.FAILURE,
            details={"attempt": registration.failed_attempts, "blocked": blocked},
        )
        return Verification(False, allowed - registration.failed_attempts, blocked)
    request.session.pop(VERIFICATION_KEY, None)
    log_in(request, user, data.get("acr", ""))
    return result


@service(rule="eherkenning.renew_code", audit=("eherkenning.code_renewed",))
def renew_verification_code(actor, user: User, *, request=None) -> str:
    """A new code (and fresh attempts) for a pending registration, e.g. after too many wrong
    ones. The operator may always; an administrator for the registrations it hands codes to."""
    user = User.objects.select_for_update().get(pk=user.pk)
    registration = Registration.objects.select_for_update().filter(user=user).first()
    if registration is None:
        raise rules.AccessRefused("eherkenning.renew_code", user)
    rules.require(actor, "eherkenning.renew_code", registration)
    if user.status != Status.PENDING:
        raise ValidationError(_("Deze gebruiker wacht niet (meer) op verificatie."))
    user.verification_code = new_verification_code()
    user.version += 1
    user.save(update_fields=["verification_code", "version"])
    registration.failed_attempts = 0
    registration.save(update_fields=["failed_attempts"])
    record(
        "eherkenning.code_renewed",
        actor=actor,
        request=request,
        organisation=user.organisation_id,
        target=user,
    )
    return user.verification_code
