"""Sending SMS through a small gateway interface, chosen by KNOOPPUNT_SMS_BACKEND.

A commercial SMS gateway cannot exist on a development machine, so `file` (one file per message
under KNOOPPUNT_SMS_FILE_PATH), `locmem` (tests) and `console` are the backends shipped here; a
production gateway is one more class with a `send(message)` method.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from .base import SmsBackend, SmsMessage

logger = logging.getLogger(__name__)

BACKENDS = {
    "file": "knooppunt.sms.backends.FileBackend",
    "locmem": "knooppunt.sms.backends.LocmemBackend",
    "console": "knooppunt.sms.backends.ConsoleBackend",
}


def get_backend() -> SmsBackend:
    name = settings.KNOOPPUNT_SMS_BACKEND
    return import_string(BACKENDS.get(name, name))()


def send_sms(to: str, text: str) -> None:
    """Send now. A gateway that cannot be reached (an OSError) raises DeliveryFailed, which the
    portal answers with a clear page (knooppunt.core.delivery)."""
    from knooppunt.core.delivery import DeliveryFailed

    try:
        get_backend().send(SmsMessage(to=to, text=text))
    except OSError as exc:
        logger.error("SMS could not be sent: %s: %s", type(exc).__name__, exc)
        raise DeliveryFailed("sms") from exc


__all__ = ["SmsBackend", "SmsMessage", "get_backend", "send_sms"]
