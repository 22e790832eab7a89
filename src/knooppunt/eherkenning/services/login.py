"""The login through an eHerkenning broker (BIDN 2, SPEC 5.2): to the broker and back, the level
of assurance, the company mapped to an organisation and the person to a user.

The talks with the broker (discovery, token, userinfo) happen before and outside the services:
a broker may take seconds to answer, and no transaction waits for it.
"""

import time
from dataclasses import dataclass, field

from django.contrib.auth import login
from django.utils import timezone

from knooppunt.access import rules
from knooppunt.accounts.models import Status, User
from knooppunt.accounts.services import expire_at_login
from knooppunt.audit.models import Outcome
from knooppunt.audit.services import record
from knooppunt.core.doors import inside_service, service
from knooppunt.organisations.models import Organisation

from .. import oidc
from ..models import Broker, Identity

# Session keys. The registration key holds who the broker vouched for until "Opslaan"; the
# verification key the pending user until the code is right.
REGISTRATION_KEY = "eherkenning_registration"
VERIFICATION_KEY = "eherkenning_verification"
NEXT_KEY = "eherkenning_next"
AUTH_METHOD_KEY = "auth_method"
ACR_KEY = "eherkenning_acr"
STEP_SECONDS = 30 * 60  # how long a broker login may be used to register or to verify


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
        record_broker_failure(request, "unavailable", broker=broker, error=str(exc))
        raise


@service(rule="account.login", audit=("eherkenning.login_failed", "eherkenning.token_refused"))
def record_broker_failure(
    request, reason: str, *, broker: Broker | None = None, error: str = ""
) -> None:
    """A broker that could not be reached, or whose answer was refused: audited."""
    rules.require(request.user, "account.login")
    record(
        "eherkenning.token_refused" if reason == "token" else "eherkenning.login_failed",
        request=request,
        outcome=Outcome.DENIED if reason == "token" else Outcome.FAILURE,
        details={
            "reason": reason,
            "error": error[:300],
            "broker": broker.naam if broker else "",
        },
    )


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
    """The callback: verify the broker's answer (its token, and its userinfo where the ID
    token lacks the company or the person; outside any transaction), then check the level and
    map company and person (`admit`)."""
    try:
        broker, claims = oidc.finish_login(request)
    except oidc.BrokerUnavailable as exc:
        record_broker_failure(request, "unavailable", broker=exc.broker, error=str(exc))
        return LoginOutcome(Result.REFUSED, "unavailable")
    except oidc.LoginRejected as exc:
        record_broker_failure(request, exc.reason, broker=exc.broker, error=exc.detail)
        return LoginOutcome(Result.REFUSED, exc.reason)
    return admit(request, broker, claims)


def _claim(claims: dict, name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def person_id(claims: dict) -> str:
    """The broker's pseudonymous id of the person (`pseudo_id`), else its subject."""
    return _claim(claims, "pseudo_id") or _claim(claims, "sub")


@service(
    rule="account.login",
    audit=(
        "eherkenning.login",
        "eherkenning.level_refused",
        "eherkenning.unknown_company",
        "eherkenning.account_refused",
        "user.expire",
    ),
)
def admit(request, broker: Broker, claims: dict) -> LoginOutcome:
    """The broker vouched for someone (verified claims): admit, refuse, or start the first
    login's registration or verification."""
    rules.require(request.user, "account.login")
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
        from .registration import await_verification

        await_verification(request, user, acr)
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
    log_in(request, user, acr)
    record("eherkenning.login", actor=user, request=request, target=user, details=details)
    return LoginOutcome(Result.LOGGED_IN, user=user)


@inside_service
def log_in(request, user: User, acr: str) -> None:
    # Django's login() gives the session a new id and records last_login.
    login(request, user, backend="knooppunt.accounts.backends.PasswordBackend")
    request.session[AUTH_METHOD_KEY] = "eherkenning"
    request.session[ACR_KEY] = acr


def take_next_url(request) -> str | None:
    return request.session.pop(NEXT_KEY, None)
