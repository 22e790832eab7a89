"""A mail backend for the worker tests: the first message kills the worker process before it is
sent (a worker that dies mid-job); every later one is written by Django's file backend."""

import os
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend


class DieOnceBackend(EmailBackend):
    def send_messages(self, email_messages):
        marker = Path(settings.EMAIL_FILE_PATH) / "died-once"
        if not marker.exists():
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text("the worker died here\n")
            os._exit(1)
        return super().send_messages(email_messages)
