"""Messages that must go out during the request (the login code): a mail server or SMS gateway
that fails raises `DeliveryFailed`, which `DeliveryFailureMiddleware` answers with a clear page
(503, Retry-After) instead of a 500. Everything else is mailed by a job (knooppunt.jobs.mail),
which records a failure and tries again."""

from __future__ import annotations

import logging
import smtplib

from django.core import mail

logger = logging.getLogger(__name__)

# What a mail backend raises when the server is away, refuses or breaks off: smtplib's errors
# and the socket's (refused, reset, timed out, TLS).
TRANSPORT_ERRORS = (smtplib.SMTPException, OSError)


class DeliveryFailed(Exception):
    """The message could not be handed to the mail server or the SMS gateway."""

    def __init__(self, channel: str):
        super().__init__(channel)
        self.channel = channel  # "email" or "sms"


def send_mail_now(**kwargs) -> None:
    """`django.core.mail.send_mail`, for the few mails that cannot wait for a job."""
    try:
        mail.send_mail(**kwargs)
    except TRANSPORT_ERRORS as exc:
        logger.error("Mail could not be sent: %s: %s", type(exc).__name__, exc)
        raise DeliveryFailed("email") from exc
