from dataclasses import dataclass, field

from django.utils import timezone


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    created_at: object = field(default_factory=timezone.now)


class SmsBackend:
    def send(self, message: SmsMessage) -> None:  # pragma: no cover - interface
        raise NotImplementedError
