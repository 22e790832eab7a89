"""Mail through jobs: queued with the change, sent once after the commit, retried on a failing
mail server, given up after its attempts."""

import pytest
from django.core import mail as django_mail

from knooppunt.jobs import mail
from knooppunt.jobs.models import MailStatus, OutgoingMail
from knooppunt.jobs.queue import run_queued
from knooppunt.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    django_mail.outbox = []
    return django_mail.outbox


def _queue_reset(user):
    """'Wachtwoord aanvragen' for `user`: its service queues the reset mail."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from knooppunt.accounts.passwords import request_password

    request = RequestFactory().post("/wachtwoord/aanvragen/")
    request.user = AnonymousUser()
    request_password(request, user.username)
    return OutgoingMail.objects.get(to=user.email)


def test_a_queued_mail_is_sent_once_with_a_stable_message_id(locmem):
    user = UserFactory()
    queued = _queue_reset(user)
    assert locmem == []  # queued, not sent
    assert run_queued() == 1
    assert len(locmem) == 1
    assert locmem[0].extra_headers["Message-ID"] == queued.message_id
    assert mail.deliver(queued.pk) == "niets te doen"  # a second run of the job sends nothing
    assert len(locmem) == 1
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (MailStatus.SENT, 1)


def test_a_failing_mail_server_leaves_the_job_queued_for_a_retry(settings, locmem):
    user = UserFactory()
    queued = _queue_reset(user)
    settings.EMAIL_BACKEND = "knooppunt.jobs.tests.test_mail.FailingBackend"
    assert run_queued() == 0  # the job failed and stays queued, leased until its retry
    queued.refresh_from_db()
    assert queued.status == MailStatus.FAILED
    assert "mail server down" in queued.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail.deliver(queued.pk) == "verstuurd"  # the retry
    assert len(locmem) == 1


def test_a_mail_gives_up_after_its_attempts(settings):
    settings.KNOOPPUNT_MAIL_ATTEMPTS = 2
    settings.EMAIL_BACKEND = "knooppunt.jobs.tests.test_mail.FailingBackend"
    queued = _queue_reset(UserFactory())
    for _ in range(2):
        with pytest.raises(ConnectionRefusedError):
            mail.deliver(queued.pk)
    assert mail.deliver(queued.pk) == "niets te doen"
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (MailStatus.GAVE_UP, 2)


def test_a_mail_for_a_user_that_can_no_longer_use_it_is_skipped(locmem):
    from knooppunt.accounts.models import Status

    user = UserFactory()
    queued = _queue_reset(user)
    type(user).objects.filter(pk=user.pk).update(status=Status.DELETED)
    assert mail.deliver(queued.pk) == "overgeslagen"
    assert locmem == []


def test_a_mail_queued_in_a_transaction_that_rolls_back_does_not_exist():
    from django.db import transaction

    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue_reset(user)
        raise RuntimeError
    assert not OutgoingMail.objects.exists()
    assert run_queued() == 0


def test_an_unknown_kind_is_refused():
    with pytest.raises(LookupError):
        mail.send_later("nergens.bekend", "a@b.example")
