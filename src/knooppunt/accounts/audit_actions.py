"""The audit actions of logging in, passwords, second factors and sessions."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import Group, register

_CHANNEL = {"channel": _("verstuurd per"), "resend": _("opnieuw verstuurd")}

register("login.success", _("Ingelogd"), Group.LOGIN, details={"second_factor": _("met")})
register(
    "login.password_ok",
    _("Wachtwoord juist, tweede stap begonnen"),
    Group.LOGIN,
    details={"second_factor": _("met")},
)
register(
    "login.failed",
    _("Inloggen mislukt"),
    Group.LOGIN,
    personal=("typed",),
    details={"typed": _("ingevulde gebruikersnaam")},
)
register("login.locked", _("Inloggen geweigerd: account tijdelijk geblokkeerd"), Group.LOGIN)
register("account.lockout", _("Account tijdelijk geblokkeerd"), Group.LOGIN)
register(
    "account.unlock",
    _("Account ontgrendeld"),
    Group.LOGIN,
    details={"failures_forgotten": _("vergeten mislukte pogingen")},
)
register("login.expired", _("Inloggen geweigerd: account verlopen"), Group.LOGIN)
register("login.deactivated", _("Inloggen geweigerd: account gedeactiveerd"), Group.LOGIN)
register("login.method", _("Inloggen geweigerd: inlogmethode niet toegestaan"), Group.LOGIN)
register("login.refused", _("Inloggen geweigerd"), Group.LOGIN, details={"status": _("status")})
register("login.code_sent", _("Verificatiecode verstuurd"), Group.LOGIN, details=_CHANNEL)
register(
    "login.code_undelivered",
    _("Verificatiecode kon niet worden verstuurd"),
    Group.LOGIN,
    details={"channel": _("per")},
)
register(
    "login.code_failed",
    _("Onjuiste verificatiecode"),
    Group.LOGIN,
    details={"method": _("soort code"), "attempts_left": _("pogingen over")},
)
register("logout", _("Uitgelogd"), Group.LOGIN)
register("session.timeout", _("Sessie verlopen"), Group.LOGIN, details={"reason": _("reden")})
register("password.set", _("Wachtwoord ingesteld"), Group.LOGIN)
register("password.reset", _("Wachtwoord opnieuw ingesteld"), Group.LOGIN)
register(
    "password.reset_requested",
    _("Wachtwoord aangevraagd"),
    Group.LOGIN,
    personal=("typed",),
    details={"typed": _("ingevulde gebruikersnaam")},
)
register("password.change", _("Wachtwoord gewijzigd"), Group.LOGIN)
register(
    "password.current_wrong",
    _("Onjuist huidig wachtwoord ingevuld"),
    Group.LOGIN,
    details={"locked": _("geblokkeerd")},
)
register(
    "profile.code_channel",
    _("Verificatiecode-kanaal gewijzigd"),
    Group.LOGIN,
    details={"from": _("van"), "to": _("naar")},
)
register("otp.totp_start", _("Authenticator-app instellen begonnen"), Group.LOGIN)
register("otp.totp_add", _("Authenticator-app ingesteld"), Group.LOGIN)
register("otp.totp_remove", _("Authenticator-app verwijderd"), Group.LOGIN)
register("otp.recovery_codes", _("Nieuwe herstelcodes aangemaakt"), Group.LOGIN)
register("otp.recovery_code_used", _("Herstelcode gebruikt"), Group.LOGIN)
register(
    "user.create",
    _("Gebruiker aangemaakt"),
    Group.USERS,
    details={"is_administrator": _("gebruikersbeheerder")},
)
register(
    "user.expire",
    _("Account verlopen"),
    Group.USERS,
    details={"reason": _("reden"), "last_login": _("laatste inlog")},
)
register("user.invitation_sent", _("Uitnodiging verstuurd"), Group.USERS)
