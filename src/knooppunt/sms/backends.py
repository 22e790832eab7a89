import json
import sys
import uuid
from pathlib import Path

from django.conf import settings

from .base import SmsBackend, SmsMessage

outbox: list[SmsMessage] = []  # LocmemBackend's messages, like django.core.mail.outbox


class FileBackend(SmsBackend):
    """One JSON file per message, named so that sorting by name sorts by time."""

    def send(self, message: SmsMessage) -> None:
        folder = Path(settings.KNOOPPUNT_SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{message.created_at:%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}.json"
        body = {
            "to": message.to,
            "text": message.text,
            "created_at": message.created_at.isoformat(),
        }
        (folder / name).write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")


class LocmemBackend(SmsBackend):
    def send(self, message: SmsMessage) -> None:
        outbox.append(message)


class ConsoleBackend(SmsBackend):
    def send(self, message: SmsMessage) -> None:
        sys.stdout.write(f"SMS aan {message.to}: {message.text}\n")
