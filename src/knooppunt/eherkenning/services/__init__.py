"""Every step of an eHerkenning login and first-login registration (BIDN 2, SPEC 3 and 5.2), in
three parts: the brokers and branch numbers the operator keeps (`brokers`), the login through a
broker (`login`) and the first login's "Persoonlijke instellingen" and verification code
(`registration`). Views, commands and the console call these; each change of state is a service
(core.doors). The person proven by the broker is remembered in the (server-side) session
between the steps, never in a form field.
"""

from .brokers import (
    active_brokers,
    create_broker,
    form_action_origins,
    refresh_broker,
    remove_vestiging,
    save_broker,
    save_vestiging,
)
from .login import (
    ACR_KEY,
    AUTH_METHOD_KEY,
    NEXT_KEY,
    REGISTRATION_KEY,
    STEP_SECONDS,
    VERIFICATION_KEY,
    LoginOutcome,
    Result,
    admit,
    complete_login,
    find_organisation,
    person_id,
    record_broker_failure,
    start_login,
    take_next_url,
)
from .registration import (
    CODE_ALPHABET,
    CODE_LENGTH,
    PendingRegistration,
    Verification,
    max_code_attempts,
    new_verification_code,
    normalise_code,
    pending_registration,
    register,
    renew_verification_code,
    user_awaiting_verification,
    verify,
)

__all__ = [
    "ACR_KEY",
    "AUTH_METHOD_KEY",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "NEXT_KEY",
    "REGISTRATION_KEY",
    "STEP_SECONDS",
    "VERIFICATION_KEY",
    "LoginOutcome",
    "PendingRegistration",
    "Result",
    "Verification",
    "active_brokers",
    "admit",
    "complete_login",
    "create_broker",
    "find_organisation",
    "form_action_origins",
    "max_code_attempts",
    "new_verification_code",
    "normalise_code",
    "pending_registration",
    "person_id",
    "record_broker_failure",
    "refresh_broker",
    "register",
    "remove_vestiging",
    "renew_verification_code",
    "save_broker",
    "save_vestiging",
    "start_login",
    "take_next_url",
    "user_awaiting_verification",
    "verify",
]
