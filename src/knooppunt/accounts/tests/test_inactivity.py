"""Inactivity (Portero 2.1, SPEC 3): no login for 6 months expires an account, at the login and
in the daily `knooppunt housekeeping`."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from knooppunt.accounts.models import Status
from knooppunt.accounts.services import expire_inactive_users
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _login(client, username="ptest", password=TEST_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_last_login_over_6_months_ago_is_refused_and_expires(client):
    user = UserFactory(username="ptest", last_login=NOW - 184 * DAY)
    response = _login(client)
    body = response.content.decode()
    assert response.status_code == 403
    assert "Uw account is verlopen" in body
    assert "Uw gebruikersbeheerder moet een nieuw account voor u aanmaken" in body
    assert "knooppunt_pending_login" not in client.session
    user.refresh_from_db()
    assert user.status == Status.EXPIRED and user.expired_at == NOW
    assert AuditEvent.objects.filter(action="user.expire", object_id=str(user.pk)).exists()
    assert AuditEvent.objects.filter(action="login.expired", object_id=str(user.pk)).exists()
    # Irreversible: the next attempt is refused the same way.
    assert "Uw account is verlopen" in _login(client).content.decode()


def test_expired_administrator_is_sent_to_the_operator(client):
    UserFactory(username="ptest", last_login=NOW - 200 * DAY, is_administrator=True)
    body = _login(client).content.decode()
    assert "neem contact op met de servicedesk" in body
    assert "nieuwe gebruikersnaam aan te vragen" in body


def test_created_6_months_ago_and_never_logged_in(client):
    user = UserFactory(username="ptest", last_login=None, created_at=NOW - 190 * DAY)
    assert _login(client).status_code == 403
    user.refresh_from_db()
    assert user.status == Status.EXPIRED


def test_recent_enough_logs_in(client):
    UserFactory(username="ptest", last_login=NOW - 180 * DAY)
    assert _login(client)["Location"] == reverse("accounts:verify")


def test_a_wrong_password_reveals_nothing_about_expiry(client):
    user = UserFactory(username="ptest", last_login=NOW - 200 * DAY)
    response = _login(client, password="Fout!12345")
    assert "verlopen" not in response.content.decode()
    user.refresh_from_db()
    assert user.status == Status.ACTIVE  # the daily job will expire it


def test_housekeeping_expires_inactive_accounts(settings):
    due = UserFactory(last_login=NOW - 184 * DAY)
    never = UserFactory(last_login=None, created_at=NOW - 200 * DAY, status=Status.INVITED)
    recent = UserFactory(last_login=NOW - 10 * DAY)
    new_invite = UserFactory(last_login=None, created_at=NOW - 10 * DAY, status=Status.INVITED)
    deactivated = UserFactory(last_login=NOW - 300 * DAY, status=Status.DEACTIVATED)
    out = io.StringIO()
    call_command("housekeeping", stdout=out)
    assert "accounts.expire_inactive: 2" in out.getvalue()
    for user in (due, never, recent, new_invite, deactivated):
        user.refresh_from_db()
    assert due.status == never.status == Status.EXPIRED
    assert recent.status == Status.ACTIVE
    assert new_invite.status == Status.INVITED
    assert deactivated.status == Status.DEACTIVATED
    assert AuditEvent.objects.filter(action="user.expire").count() == 2
    # Running it again changes nothing.
    assert expire_inactive_users() == 0


def test_housekeeping_lists_and_selects_jobs():
    out = io.StringIO()
    call_command("housekeeping", "--list", stdout=out)
    assert "accounts.expire_inactive" in out.getvalue()
    assert "accounts.clear_sessions" in out.getvalue()
    assert "accounts.forget_failures" in out.getvalue()
    out = io.StringIO()
    call_command("housekeeping", "--job", "accounts.clear_sessions", stdout=out)
    assert out.getvalue().strip().startswith("accounts.clear_sessions:")
    assert "expire_inactive" not in out.getvalue()


def test_housekeeping_refuses_an_unknown_job():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Onbekende taak"):
        call_command("housekeeping", "--job", "bestaat.niet")
