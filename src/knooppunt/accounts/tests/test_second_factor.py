"""The verification code: single use, 10 minutes, 5 attempts, re-send throttled, "Annuleren";
and the authenticator app (TOTP) with recovery codes."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp

from knooppunt.accounts import login as login_flow
from knooppunt.accounts.lockout import locked_usernames
from knooppunt.accounts.models import TOTPDevice
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
PHONE = "+31612345678"
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def user():
    return UserFactory(username="ptest", telefoonnummer=PHONE)


def _password(client, username="ptest"):
    return client.post(reverse("accounts:login"), {"username": username, "password": TEST_PASSWORD})


def _code(client, code):
    return client.post(reverse("accounts:verify"), {"code": code})


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_five_wrong_codes_end_the_attempt(client, user, sms_outbox):
    _password(client)
    code = sms_outbox.last_code(PHONE)
    for left in (4, 3, 2, 1):
        response = _code(client, _wrong(code))
        assert f"U kunt het nog {left} keer proberen" in response.content.decode()
    response = _code(client, _wrong(code))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    page = client.get(response["Location"]).content.decode()
    assert "te vaak een onjuiste verificatiecode" in page
    # The right code no longer helps: the pending login is gone and the code is spent.
    assert _code(client, code)["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login.code_failed").count() == 5


def test_a_spent_code_cannot_be_used_from_a_parallel_login(client, user, sms_outbox):
    """The 5 attempts belong to the code, not to one browser: a second session shares them."""
    from django.test import Client

    _password(client)
    code = sms_outbox.last_code(PHONE)
    other = Client()
    _password(other)  # within the cooldown: the same code stands, no new SMS
    assert len(sms_outbox.to(PHONE)) == 1
    assert "••••••78" in other.get(reverse("accounts:verify")).content.decode()
    for _ in range(3):
        _code(client, _wrong(code))
    for _ in range(2):
        _code(other, _wrong(code))
    response = _code(client, code)
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_each_spent_code_counts_towards_the_lockout(client, user, sms_outbox):
    for round_ in range(5):
        with time_machine.travel(START + datetime.timedelta(minutes=2 * round_), tick=False):
            _password(client)
            code = sms_outbox.last_code(PHONE)
            for _ in range(5):
                _code(client, _wrong(code))
    with time_machine.travel(START + datetime.timedelta(minutes=11), tick=False):
        assert locked_usernames(["ptest"]) == {"ptest"}
        response = _password(client)
        assert response.status_code == 429


def test_code_expires_after_10_minutes(client, user, sms_outbox):
    with time_machine.travel(START, tick=False):
        _password(client)
    code = sms_outbox.last_code(PHONE)
    with time_machine.travel(START + datetime.timedelta(minutes=10, seconds=1), tick=False):
        response = _code(client, code)
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_code_still_works_just_before_10_minutes(client, user, sms_outbox):
    with time_machine.travel(START, tick=False):
        _password(client)
    with time_machine.travel(START + datetime.timedelta(minutes=9, seconds=50), tick=False):
        _code(client, sms_outbox.last_code(PHONE))
        assert "_auth_user_id" in client.session


def test_resend_is_throttled_and_limited(client, user, sms_outbox):
    with time_machine.travel(START, tick=False):
        _password(client)
        response = client.post(reverse("accounts:verify_resend"), follow=True)
        assert "U kunt over 61 seconden een nieuwe code laten versturen" in (
            response.content.decode()
        )
        assert len(sms_outbox.to(PHONE)) == 1
    for minute in (2, 4):
        with time_machine.travel(START + datetime.timedelta(minutes=minute), tick=False):
            response = client.post(reverse("accounts:verify_resend"), follow=True)
            assert "Er is een nieuwe verificatiecode verstuurd" in response.content.decode()
    assert len(sms_outbox.to(PHONE)) == 3
    with time_machine.travel(START + datetime.timedelta(minutes=6), tick=False):
        response = client.post(reverse("accounts:verify_resend"), follow=True)
        assert "Er zijn al te veel codes verstuurd" in response.content.decode()
        assert len(sms_outbox.to(PHONE)) == 3
        # Only the newest code works.
        first, *_middle, latest = [
            re.findall(r"\d{6}", sms.text)[0] for sms in sms_outbox.to(PHONE)
        ]
        if first != latest:
            assert "De verificatiecode is onjuist" in _code(client, first).content.decode()
        _code(client, latest)
        assert "_auth_user_id" in client.session
    sent = AuditEvent.objects.filter(action="login.code_sent")
    assert sent.count() == 3


def test_annuleren_returns_to_the_login_screen(client, user, sms_outbox):
    _password(client)
    response = client.post(reverse("accounts:verify_cancel"))
    assert response["Location"] == reverse("accounts:login")
    assert "knooppunt_pending_login" not in client.session
    assert _code(client, sms_outbox.last_code(PHONE))["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_verify_page_without_a_pending_login_goes_to_login(client):
    response = client.get(reverse("accounts:verify"))
    assert response["Location"] == reverse("accounts:login")


def test_user_deactivated_between_the_steps_is_not_logged_in(client, user, sms_outbox):
    _password(client)
    user.status = "deactivated"
    user.save()
    _code(client, sms_outbox.last_code(PHONE))
    assert "_auth_user_id" not in client.session


def test_half_state_lives_in_the_database_session(client, user):
    """Nothing in process memory: a fresh SessionStore from the database sees the pending login."""
    from django.contrib.sessions.backends.db import SessionStore

    _password(client)
    stored = SessionStore(session_key=client.cookies["sessionid"].value)
    assert stored[login_flow.PENDING]["user"] == user.pk
    assert "_auth_user_id" not in stored


# --- authenticator app ------------------------------------------------------------------------


def _app_code(device: TOTPDevice, at: datetime.datetime) -> str:
    """What the app shows at `at` (call inside time_machine.travel(at))."""
    assert abs(datetime.datetime.now(tz=datetime.UTC) - at) < datetime.timedelta(seconds=1)
    return f"{totp(device.bin_key, t0=device.t0, step=device.step):06d}"


@pytest.fixture
def app_user(client, log_in):
    user = UserFactory(username="ptest", telefoonnummer=PHONE)
    with time_machine.travel(START, tick=False):
        log_in(client, user)
        page = client.get(reverse("accounts:authenticator_setup"))
        assert page.status_code == 200
        body = page.content.decode()
        assert 'src="data:image/svg+xml;base64,' in body
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        response = client.post(
            reverse("accounts:authenticator_setup"), {"code": _app_code(device, START)}
        )
        body = response.content.decode()
        assert "Uw herstelcodes" in body
        recovery = list(user.staticdevice_set.get().token_set.values_list("token", flat=True))
        assert len(recovery) == 10 and all(code in body for code in recovery)
        client.post(reverse("accounts:logout"))
    device.refresh_from_db()
    assert device.confirmed
    return user, device, recovery


def test_wrong_app_code_during_setup_is_refused(client, log_in):
    user = UserFactory(username="ptest")
    log_in(client, user)
    client.get(reverse("accounts:authenticator_setup"))
    response = client.post(reverse("accounts:authenticator_setup"), {"code": "000000"})
    assert "De code is onjuist" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_login_with_the_authenticator_app(client, app_user, sms_outbox):
    user, device, _recovery = app_user
    at = START + datetime.timedelta(minutes=5)
    with time_machine.travel(at, tick=False):
        _password(client)
        assert len(sms_outbox.to(PHONE)) == 1  # only the setup login's SMS: none for the app
        page = client.get(reverse("accounts:verify")).content.decode()
        assert "authenticator-app" in page
        _code(client, _app_code(device, at))
        assert client.session["_auth_user_id"] == str(user.pk)
    success = AuditEvent.objects.filter(action="login.success").first()  # newest first
    assert success.details == {"second_factor": "totp"}


def test_app_code_cannot_be_replayed(client, app_user):
    from django.test import Client

    user, device, _recovery = app_user
    at = START + datetime.timedelta(minutes=5)
    with time_machine.travel(at, tick=False):
        _password(client)
        _code(client, _app_code(device, at))
        other = Client()
        _password(other)
        response = _code(other, _app_code(device, at))
        assert "De verificatiecode is onjuist" in response.content.decode()
        assert "_auth_user_id" not in other.session


def test_recovery_code_works_once(client, app_user):
    from django.test import Client

    user, _device, recovery = app_user
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        _password(client)
        _code(client, recovery[0].upper())
        assert client.session["_auth_user_id"] == str(user.pk)
        other = Client()
        _password(other)
        _code(other, recovery[0])
        assert "_auth_user_id" not in other.session
    assert AuditEvent.objects.filter(action="otp.recovery_code_used").count() == 1


def test_removing_the_app_needs_the_password_and_brings_back_codes(client, app_user, log_in):
    user, device, _recovery = app_user
    at = START + datetime.timedelta(minutes=5)
    with time_machine.travel(at, tick=False):
        _password(client)
        _code(client, _app_code(device, at))
        response = client.post(reverse("accounts:authenticator_remove"), {"password": "Fout!123"})
        assert "Het wachtwoord is onjuist" in response.content.decode()
        assert TOTPDevice.objects.filter(user=user).exists()
        before = client.cookies["sessionid"].value
        client.post(reverse("accounts:authenticator_remove"), {"password": TEST_PASSWORD})
        assert not TOTPDevice.objects.filter(user=user).exists()
        assert client.cookies["sessionid"].value != before  # a security change: a new session id
    assert AuditEvent.objects.filter(action="otp.totp_remove").exists()
