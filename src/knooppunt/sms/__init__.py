"""Sending SMS through a small gateway interface, chosen by KNOOPPUNT_SMS_BACKEND.

A commercial SMS gateway cannot exist on a development machine, so `file` (one file per message
under KNOOPPUNT_SMS_FILE_PATH), `locmem` (tests) and `console` are the backends shipped here; a
production gateway is one more class with a `send(message)` method.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import SmsBackend, SmsMessage

BACKENDS = {
    "file": "knooppunt.sms.backends.FileBackend",
    "locmem": "knooppunt.sms.backends.LocmemBackend",
    "console": "knooppunt.sms.backends.ConsoleBackend",
}


def get_backend() -> SmsBackend:
    name = settings.KNOOPPUNT_SMS_BACKEND
    return import_string(BACKENDS.get(name, name))()


def send_sms(to: str, text: str) -> None:
    get_backend().send(SmsMessage(to=to, text=text))


__all__ = ["SmsBackend", "SmsMessage", "get_backend", "send_sms"]
