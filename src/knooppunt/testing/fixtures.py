"""pytest fixtures shared by the whole suite (loaded from the root conftest.py)."""

import email
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from knooppunt.sms import backends as sms_backends


def _register_test_actions() -> None:
    """The audit actions the suite's own tests record ("test.*")."""
    from django.utils.translation import gettext_lazy as _

    from knooppunt.audit.registry import Group, register

    for code in ["test.sql", *(f"test.event{n}" for n in range(5))]:
        register(code, _("Proefregel"), Group.AUDIT)


@pytest.fixture(autouse=True, scope="session")
def _test_audit_actions(django_db_setup):
    _register_test_actions()


@pytest.fixture(autouse=True)
def _isolated_outboxes(settings, tmp_path):
    """Mail and SMS go to files under this test's own folder, and so do the attachments of
    Wlz-aanvragen; the locmem SMS outbox is emptied."""
    settings.STORAGES = {
        **settings.STORAGES,
        "bijlagen": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "bijlagen")},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.KNOOPPUNT_SMS_BACKEND = "file"
    settings.KNOOPPUNT_SMS_FILE_PATH = str(tmp_path / "sms")
    sms_backends.outbox.clear()


@pytest.fixture(autouse=True)
def _dutch_after_each_test():
    """The language middleware activates the visitor's language for the thread; a test that
    asked for English must not leave the next test in English."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class Mail:
    to: str
    subject: str
    body: str


class FileOutbox:
    """Reads what the file mail backend wrote, as a person would read their inbox."""

    def __init__(self, folder: Path):
        self.folder = folder

    def messages(self) -> list[Mail]:
        # Mail goes out through jobs (knooppunt.jobs.mail): deliver what is queued first, as
        # the worker would by now.
        from knooppunt.jobs.queue import run_queued

        run_queued()
        if not self.folder.exists():
            return []
        found = []
        for path in sorted(self.folder.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            # One file per connection; messages inside are separated by a line of dashes.
            for chunk in path.read_text(encoding="utf-8").split("-" * 79 + "\n"):
                if chunk.strip():
                    message = email.message_from_string(chunk)
                    found.append(Mail(message["To"], message["Subject"], message.get_payload()))
        return found

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.messages() if address in m.to]

    def last_link(self, address: str) -> str:
        body = self.to(address)[-1].body
        return re.findall(r"https?://\S+/wachtwoord/instellen/\S+/", body)[-1]

    def last_code(self, address: str) -> str:
        """The verification code of the last login mail to `address`."""
        return _code(self.to(address)[-1].body)


@dataclass
class Sms:
    to: str
    text: str


class FileSmsOutbox:
    """Reads what the file SMS backend wrote (one JSON file per message)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def messages(self) -> list[Sms]:
        if not self.folder.exists():
            return []
        found = []
        for path in sorted(self.folder.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            found.append(Sms(data["to"], data["text"]))
        return found

    def to(self, number: str) -> list[Sms]:
        return [m for m in self.messages() if m.to == number]

    def last_code(self, number: str) -> str:
        return _code(self.to(number)[-1].text)


def _code(text: str) -> str:
    return re.findall(r"\b(\d{6})\b", text)[0]


@pytest.fixture
def mail_outbox(settings) -> FileOutbox:
    return FileOutbox(Path(settings.EMAIL_FILE_PATH))


@pytest.fixture
def sms_outbox(settings) -> FileSmsOutbox:
    return FileSmsOutbox(Path(settings.KNOOPPUNT_SMS_FILE_PATH))


@pytest.fixture
def log_in(mail_outbox, sms_outbox):
    """Log a test client in through both steps: the password, then the code from the outbox.

    `log_in(client, user)` returns the response to the code step.
    """
    from django.urls import reverse

    from knooppunt.testing.factories import TEST_PASSWORD

    def do(client, user, password: str = TEST_PASSWORD, next_url: str = ""):
        url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
        response = client.post(url, {"username": user.username, "password": password})
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == reverse("accounts:verify")
        if user.telefoonnummer and user.code_channel != "email":
            code = sms_outbox.last_code(user.telefoonnummer)
        else:
            code = mail_outbox.last_code(user.email)
        return client.post(reverse("accounts:verify"), {"code": code})

    return do


@pytest.fixture
def live_db(transactional_db):
    """A transactional database, for live servers and concurrency tests."""


TRANSACTIONAL = {"transactional_db", "live_server", "live_db"}


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The products and agreement kinds the data migrations made. A transactional test flushes
    every table afterwards, so a later test on the same database gets them back here."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(TRANSACTIONAL & set(request.fixturenames)) or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    if not transactional and marker is None and "db" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from knooppunt.aanvragen.catalogue import ensure_catalogue as ensure_checklist
    from knooppunt.access.catalogue import ensure_catalogue
    from knooppunt.access.models import Product

    if not Product.objects.exists():
        ensure_catalogue()
        ensure_checklist()
