"""The e-mails of accounts, delivered by a job (jobs.mail): invitations and password resets.

The set-password link is made when the mail is rendered, in the job: its token exists only in
the mail, the database keeps its hash (accounts.passwords.create_link).
"""

from django.conf import settings
from django.template.loader import render_to_string

from knooppunt.jobs.mail import Message, Skip, mail_kind
from knooppunt.jobs.models import OutgoingMail

from .models import PasswordLinkPurpose, User
from .passwords import create_link, may_set_password


def _link_mail(mail: OutgoingMail, purpose: str, template: str) -> Message:
    user = User.objects.select_related("organisation").filter(pk=mail.params["user"]).first()
    if user is None or not may_set_password(user) or user.email.lower() != mail.to.lower():
        raise Skip("de gebruiker kan geen wachtwoord (meer) instellen")
    context = {
        "user": user,
        "link": create_link(user, purpose),
        "portal_url": settings.KNOOPPUNT_BASE_URL + "/",
        "hours": int(settings.KNOOPPUNT_PASSWORD_LINK_VALIDITY.total_seconds() // 3600),
    }
    return Message(
        subject=render_to_string(f"accounts/email/{template}_subject.txt", context).strip(),
        body=render_to_string(f"accounts/email/{template}.txt", context),
    )


@mail_kind("accounts.invitation")
def invitation(mail: OutgoingMail) -> Message:
    """Portero 1/3.2: instructions, login name, a set-password link and the portal's address."""
    return _link_mail(mail, PasswordLinkPurpose.INVITATION, "invitation")


@mail_kind("accounts.reset")
def reset(mail: OutgoingMail) -> Message:
    """'Wachtwoord aanvragen': a 'Nieuw wachtwoord instellen' link."""
    return _link_mail(mail, PasswordLinkPurpose.RESET, "reset")
