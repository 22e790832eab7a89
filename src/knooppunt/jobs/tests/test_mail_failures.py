"""A mail server that fails does not fail the change that mails: the change commits, the job's
failure is recorded on the mail, and the job is tried again until the mail is out."""

import datetime
import smtplib

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ

from knooppunt.accounts.models import User
from knooppunt.jobs.models import MailStatus, OutgoingMail
from knooppunt.jobs.queue import run_queued
from knooppunt.testing.factories import AdministratorFactory

pytestmark = pytest.mark.django_db


class RefusingMailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


def test_a_create_succeeds_while_the_mail_server_fails_and_the_mail_follows(
    client, settings, mail_outbox
):
    admin = AdministratorFactory()
    client.force_login(admin)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailBackend"
    response = client.post(
        reverse("usermanagement:user_create"),
        {
            "voorletters": "P",
            "voornaam": "Piet",
            "achternaam": "Test",
            "email": f"ptest@{admin.email.split('@')[1]}",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(achternaam="Test")
    (mail,) = OutgoingMail.objects.filter(to=user.email)

    assert run_queued() == 0  # the job ran and failed ...
    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED  # ... and the mail says so
    assert mail.attempts == 1
    assert mail.last_error.startswith("SMTPConnectError")
    assert OrmQ.objects.exists()  # the job stays queued for another try

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    later = timezone.now() + datetime.timedelta(seconds=settings.Q_CLUSTER["retry"] + 1)
    with time_machine.travel(later):
        assert run_queued() == 1
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT
    assert mail.attempts == 2
    assert len(mail_outbox.to(user.email)) == 1
