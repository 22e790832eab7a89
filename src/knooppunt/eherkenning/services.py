"""Every step of an eHerkenning login and first-login registration (BIDN 2, SPEC 3 and 5.2).

Views, commands and the console call these functions; each change of state runs in one
transaction and writes its audit event. The person proven by the broker is remembered in the
(server-side) session between the steps, never in a form field.
"""

import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from knooppunt.access import rules
from knooppunt.accounts.models import PasswordLink, Status, User
from knooppunt.accounts.services import clean_personal_data, expire_at_login
from knooppunt.accounts.usernames import issue_username
from knooppunt.audit.models import Outcome
from knooppunt.audit.services import record
from knooppunt.organisations.models import Organisation

from . import oidc
from .models import Broker, CodeRecipient, Identity, Registration

# Session keys. The registration key holds who the broker vouched for until "Opslaan"; the
# verification key the pending user until the code is right.
REGISTRATION_KEY = "eherkenning_registration"
VERIFICATION_KEY = "eherkenning_verification"
NEXT_KEY = "eherkenning_next"
AUTH_METHOD_KEY = "auth_method"
ACR_KEY = "eherkenning_acr"
STEP_SECONDS = 30 * 60  # how long a broker login may be used to register or to verify

# No 0/O, 1/I/L: the code is read out over the phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8

PERSONAL_FIELDS = ("voorletters", "voornaam", "tussenvoegsel", "achternaam", "email")


# --- brokers (operator) ----------------------------------------------------------------------


def _require_operator(actor) -> None:
    # None is the operator's command line (a shell on the server).
    if actor is not None and not rules.can(actor, "eherkenning.brokers"):
        raise PermissionDenied


@transaction.atomic
def create_broker(
    actor,
    *,
    naam: str,
    issuer: str,
    client_id: str,
    client_secret: str,
    active: bool = True,
    request=None,
) -> Broker:
    _require_operator(actor)
    broker = Broker(
        naam=naam, issuer=issuer, client_id=client_id, client_secret=client_secret, active=active
    )
    broker.clean()
    broker.full_clean()
    broker.save()
    record(
        "eherkenning.broker_create",
        actor=actor,
        request=request,
        target=broker,
        details={"issuer": broker.issuer, "client_id": broker.client_id, "active": active},
    )
    return broker


@transaction.atomic
def save_broker(actor, broker: Broker, changed: list[str], *, request=None) -> Broker:
    """Store a broker edited in the console (already validated by its form)."""
    _require_operator(actor)
    if {"issuer", "client_id"} & set(changed):
        broker.metadata, broker.metadata_fetched_at = {}, None  # fetch the new one's again
    creating = broker.pk is None
    broker.save()
    record(
        "eherkenning.broker_create" if creating else "eherkenning.broker_change",
        actor=actor,
        request=request,
        target=broker,
        # Field names only: the client secret never enters the audit trail.
        details={"fields": sorted(changed)},
    )
    return broker


def refresh_broker(actor, broker: Broker, *, request=None) -> dict:
    """Fetch the broker's discovery document and keys now (console: 'Verbinding testen')."""
    _require_operator(actor)
    try:
        metadata = oidc.load_metadata(broker, refresh=True)
    except oidc.BrokerUnavailable as exc:
        record(
            "eherkenning.broker_refresh",
            actor=actor,
            request=request,
            target=broker,
            outcome=Outcome.FAILURE,
            details={"error": str(exc)[:300]},
        )
        raise
    record("eherkenning.broker_refresh", actor=actor, request=request, target=broker)
    return metadata


def active_brokers():
    return Broker.objects.filter(active=True).order_by("naam")


def form_action_origins(brokers) -> list[str]:
    """Origins the broker choice form may lead to: its POST is answered with a redirect to the
    broker, and browsers hold that redirect to the page's CSP `form-action`."""
    origins = set()
    for broker in brokers:
        for url in (broker.metadata.get("authorization_endpoint"), broker.issuer):
            if url:
                parts = urlsplit(url)
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


# --- the login ---------------------------------------------------------------------------------


class Result:
    LOGGED_IN = "logged_in"
    REGISTER = "register"
    VERIFY = "verify"
    REFUSED = "refused"


@dataclass
class LoginOutcome:
    result: str
    # For a refusal: level, company, account, state, cancelled, token or unavailable.
    reason: str = ""
    context: dict = field(default_factory=dict)
    user: User | None = None


def start_login(request, broker: Broker, next_url: str | None = None):
    """Remember where to go afterwards and send the browser to the broker."""
    if next_url:
        request.session[NEXT_KEY] = next_url
    else:
        request.session.pop(NEXT_KEY, None)
    try:
        return oidc.start_login(request, broker)
    except oidc.BrokerUnavailable as exc:
        record(
            "eherkenning.login_failed",
            request=request,
            outcome=Outcome.FAILURE,
            details={"reason": "unavailable", "broker": broker.naam, "error": str(exc)[:300]},
        )
        raise


def find_organisation(kvk: str, vestigingsnummer: str = "") -> Organisation | None:
    """The one organisation that allows eHerkenning for this company, or None.

    An organisation with registered branch numbers is reached only from those branches; one
    without any is reached by every login for its KvK-nummer.
    """
    if not kvk:
        return None
    candidates = Organisation.objects.filter(kvk_nummer=kvk, login_eherkenning=True)
    if vestigingsnummer:
        by_branch = list(candidates.filter(vestigingen__vestigingsnummer=vestigingsnummer)[:2])
        if len(by_branch) == 1:
            return by_branch[0]
    whole_company = list(candidates.filter(vestigingen__isnull=True).distinct()[:2])
    return whole_company[0] if len(whole_company) == 1 else None


def complete_login(request) -> LoginOutcome:
    """The callback: verify the broker's answer, check the level, map company and person."""
    try:
        broker, claims = oidc.finish_login(request)
    except oidc.BrokerUnavailable as exc:
        record(
            "eherkenning.login_failed",
            request=request,
            outcome=Outcome.FAILURE,
            details={"reason": "unavailable", "error": str(exc)[:300]},
        )
        return LoginOutcome(Result.REFUSED, "unavailable")
    except oidc.LoginRejected as exc:
        record(
            "eherkenning.token_refused" if exc.reason == "token" else "eherkenning.login_failed",
            request=request,
            outcome=Outcome.DENIED if exc.reason == "token" else Outcome.FAILURE,
            details={
                "reason": exc.reason,
                "error": exc.detail,
                "broker": exc.broker.naam if exc.broker else "",
            },
        )
        return LoginOutcome(Result.REFUSED, exc.reason)
    return _admit(request, broker, claims)


def _claim(claims: dict, name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def person_id(claims: dict) -> str:
    """The broker's pseudonymous id of the person (`pseudo_id`), else its subject."""
    return _claim(claims, "pseudo_id") or _claim(claims, "sub")


def _admit(request, broker: Broker, claims: dict) -> LoginOutcome:
    acr = claims.get("acr")
    kvk = _claim(claims, "kvk")
    vestigingsnummer = _claim(claims, "vestigingsnummer")
    pseudo_id = person_id(claims)
    organisation = find_organisation(kvk, vestigingsnummer)
    details = {
        "broker": broker.naam,
        "acr": acr if isinstance(acr, str) else None,
        "kvk": kvk,
        "vestigingsnummer": vestigingsnummer,
        "pseudo_id": pseudo_id,
    }
    if acr not in oidc.ACCEPTED_ACR:
        record(
            "eherkenning.level_refused",
            request=request,
            organisation=organisation,
            outcome=Outcome.DENIED,
            details=details,
        )
        return LoginOutcome(Result.REFUSED, "level", {"level": oidc.level_of(acr)})
    if organisation is None:
        record(
            "eherkenning.unknown_company", request=request, outcome=Outcome.DENIED, details=details
        )
        return LoginOutcome(
            Result.REFUSED, "company", {"kvk": kvk, "vestigingsnummer": vestigingsnummer}
        )
    # The broker vouched for someone new in this browser: never keep the old session id, nor
    # what an earlier login in it left half done.
    request.session.cycle_key()
    request.session.pop(REGISTRATION_KEY, None)
    request.session.pop(VERIFICATION_KEY, None)
    identity = (
        Identity.objects.select_related("user", "user__organisation")
        .filter(broker=broker, pseudo_id=pseudo_id, organisation=organisation)
        .exclude(user__status=Status.DELETED)
        .first()
    )
    if identity is None:
        request.session[REGISTRATION_KEY] = {
            "broker": broker.pk,
            "organisation": organisation.pk,
            "pseudo_id": pseudo_id,
            "acr": acr,
            "until": time.time() + STEP_SECONDS,
        }
        record(
            "eherkenning.login",
            request=request,
            organisation=organisation,
            details={**details, "result": "registratie"},
        )
        return LoginOutcome(Result.REGISTER)
    user = identity.user
    if user.status == Status.PENDING:
        _await_verification(request, user, acr)
        record(
            "eherkenning.login",
            actor=user,
            request=request,
            target=user,
            details={**details, "result": "verificatie"},
        )
        return LoginOutcome(Result.VERIFY, user=user)
    expire_at_login(user, request=request)  # the same rule as the password login
    if user.status != Status.ACTIVE:
        record(
            "eherkenning.account_refused",
            actor=user,
            request=request,
            target=user,
            outcome=Outcome.DENIED,
            details={**details, "status": user.status},
        )
        return LoginOutcome(
            Result.REFUSED, "account", {"status": user.get_status_display()}, user=user
        )
    Identity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now())
    _log_in(request, user, acr)
    record("eherkenning.login", actor=user, request=request, target=user, details=details)
    return LoginOutcome(Result.LOGGED_IN, user=user)


def _log_in(request, user: User, acr: str) -> None:
    # Django's login() gives the session a new id and records last_login.
    login(request, user, backend="knooppunt.accounts.backends.PasswordBackend")
    request.session[AUTH_METHOD_KEY] = "eherkenning"
    request.session[ACR_KEY] = acr


def take_next_url(request) -> str | None:
    return request.session.pop(NEXT_KEY, None)


# --- first login: "Persoonlijke instellingen" ----------------------------------------------------


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


def register(request, pending: PendingRegistration | None, data: dict) -> User:
    """'Opslaan' on "Persoonlijke instellingen": create the pending user and its code.

    When the e-mail address is that of an administrator the operator appointed for this
    organisation (invited, no password yet), that account is the one being registered and the
    operator hands out the code; otherwise a new user is created whose code the organisation's
    administrator hands out (the operator's, while the organisation has no administrator).
    """
    if pending is None:  # `pending_registration(request)`, read by the caller
        raise ValidationError(
            _("Uw inlogsessie is verlopen. Log opnieuw in met eHerkenning."), code="expired"
        )
    organisation, broker = pending.organisation, pending.broker
    with transaction.atomic():
        existing = (
            Identity.objects.select_related("user")
            .filter(broker=broker, pseudo_id=pending.pseudo_id, organisation=organisation)
            .exclude(user__status=Status.DELETED)
            .first()
        )
        if existing is not None:  # "Opslaan" twice, or in two tabs: one account
            user = existing.user
        else:
            user = _create_registration(request, pending, data)
    request.session.pop(REGISTRATION_KEY, None)
    if user.status == Status.PENDING:
        _await_verification(request, user, pending.acr)
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
        user = User(
            organisation=organisation,
            status=Status.PENDING,
            self_registered=True,
            verification_code=code,
            username=issue_username(
                cleaned["voorletters"], cleaned["voornaam"], cleaned["achternaam"]
            ),
            **cleaned,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
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


def _await_verification(request, user: User, acr: str) -> None:
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


def verify(request, code: str) -> Verification:
    """'verifieer': a right code activates the account and logs the person in at once (with a
    new session id); wrong codes count, and after the last allowed attempt the code is void."""
    data = request.session.get(VERIFICATION_KEY) or {}
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(pk=data.get("user"), status=Status.PENDING)
            .first()
        )
        registration = (
            Registration.objects.select_for_update().filter(user=user).first() if user else None
        )
        if user is None or registration is None:
            return Verification(False, blocked=True)
        allowed = max_code_attempts()
        if not user.verification_code or registration.failed_attempts >= allowed:
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
    _log_in(request, user, data.get("acr", ""))
    return result


@transaction.atomic
def renew_verification_code(actor, user: User, *, request=None) -> str:
    """A new code (and fresh attempts) for a pending registration, e.g. after too many wrong
    ones. The operator may always; an administrator for the registrations it hands codes to."""
    user = User.objects.select_for_update().get(pk=user.pk)
    registration = Registration.objects.select_for_update().filter(user=user).first()
    if registration is None or not rules.can(actor, "eherkenning.renew_code", registration):
        raise PermissionDenied
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


# --- branch numbers (operator) ---------------------------------------------------------------


@transaction.atomic
def save_vestiging(actor, vestiging, *, request=None):
    """A branch number that eHerkenning logins of the organisation may come from."""
    _require_operator(actor)
    vestiging.full_clean()
    vestiging.save()
    record(
        "organisation.vestiging",
        actor=actor,
        request=request,
        organisation=vestiging.organisation_id,
        target=vestiging,
        details={"vestigingsnummer": vestiging.vestigingsnummer},
    )
    return vestiging


@transaction.atomic
def remove_vestiging(actor, vestiging, *, request=None) -> None:
    _require_operator(actor)
    record(
        "organisation.vestiging_delete",
        actor=actor,
        request=request,
        organisation=vestiging.organisation_id,
        target=vestiging,
        details={"vestigingsnummer": vestiging.vestigingsnummer},
    )
    vestiging.delete()
