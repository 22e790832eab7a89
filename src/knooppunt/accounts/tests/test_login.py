"""Login in two steps (Portero 2.2): password, then the verification code, then the dashboard."""

import re

import pytest
from django.urls import reverse

from knooppunt.accounts.models import Status
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import TEST_PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _without_csrf(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def _without_echo(content: bytes) -> bytes:
    """The page without what differs by nature: the CSRF token and the login name typed in."""
    return re.sub(rb'name="username" value="[^"]*"', b"", _without_csrf(content))


def _password(client, username="ptest", password=TEST_PASSWORD, url=None):
    return client.post(
        url or reverse("accounts:login"), {"username": username, "password": password}
    )


def test_password_then_sms_code_then_dashboard(client, sms_outbox):
    user = UserFactory(username="ptest", telefoonnummer="+31612345678")
    response = _password(client, "PTest")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    assert "_auth_user_id" not in client.session  # not logged in before the second factor

    page = client.get(reverse("accounts:verify")).content.decode()
    assert "TWEE-FACTOR AUTHENTICATIE" in page
    assert "Verificatiecode" in page and "(6 cijfers)" in page
    assert "••••••78" in page  # where the code went, without showing the number

    [sms] = sms_outbox.to("+31612345678")
    code = sms_outbox.last_code("+31612345678")
    assert code in sms.text and "10 minuten" in sms.text
    response = client.post(reverse("accounts:verify"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:welcome")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "Welkom" in client.get(reverse("core:welcome")).content.decode()
    actions = list(AuditEvent.objects.filter(actor_id=user.pk).values_list("action", flat=True))
    assert "login.code_sent" in actions and "login.success" in actions


def test_without_a_mobile_number_the_code_goes_by_email(client, mail_outbox, sms_outbox):
    user = UserFactory(username="ptest", telefoonnummer="", email="p.test@proef.example")
    _password(client)
    assert sms_outbox.messages() == []
    [mail] = mail_outbox.to("p.test@proef.example")
    assert mail.subject == "Uw verificatiecode voor Knooppunt"
    assert "emailadres" in client.get(reverse("accounts:verify")).content.decode()
    client.post(reverse("accounts:verify"), {"code": mail_outbox.last_code(user.email)})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_user_who_chose_email_gets_email_despite_a_mobile_number(client, mail_outbox, sms_outbox):
    user = UserFactory(username="ptest", telefoonnummer="+31612345678", code_channel="email")
    _password(client)
    assert sms_outbox.messages() == []
    assert len(mail_outbox.to(user.email)) == 1


def test_code_works_only_once(client, sms_outbox, log_in):
    user = UserFactory(username="ptest", telefoonnummer="+31612345678")
    log_in(client, user)
    code = sms_outbox.last_code(user.telefoonnummer)
    client.post(reverse("accounts:logout"))
    _password(client)
    # A new login sends a new code; the used one does not work again.
    assert len(sms_outbox.to(user.telefoonnummer)) == 2
    response = client.post(reverse("accounts:verify"), {"code": code})
    assert "De verificatiecode is onjuist" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_renews_the_session_id_at_both_steps(client, sms_outbox):
    """Session fixation: an attacker starts a login of their own to get a real session id and
    plants it in the victim's browser; the victim's login must not continue in that session."""
    from django.test import Client

    user = UserFactory(username="ptest", telefoonnummer="+31612345678")
    UserFactory(username="aanvaller")
    attacker = Client()
    _password(attacker, "aanvaller")
    planted = attacker.cookies["sessionid"].value
    client.cookies["sessionid"] = planted
    _password(client)
    after_password = client.cookies["sessionid"].value
    assert after_password != planted
    client.post(reverse("accounts:verify"), {"code": sms_outbox.last_code(user.telefoonnummer)})
    assert client.cookies["sessionid"].value not in (planted, after_password)
    assert client.session["_auth_user_id"] == str(user.pk)
    # The planted id carries nothing of the victim's.
    assert attacker.get(reverse("core:welcome")).status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, log_in, settings):
    user = UserFactory(username="ptest")
    log_in(client, user)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # a browser-session cookie


@pytest.mark.parametrize("status", [Status.INVITED, Status.DELETED, Status.PENDING])
def test_accounts_without_a_password_login_get_the_plain_refusal(client, status):
    user = UserFactory(username="ptest", status=status)
    response = _password(client)
    assert AuditEvent.objects.filter(action="login.refused", object_id=str(user.pk)).exists()
    assert response.status_code == 200
    assert "De combinatie van gebruikersnaam en wachtwoord is onjuist." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "knooppunt_pending_login" not in client.session


def test_deactivated_user_with_the_right_password_is_told_so(client):
    user = UserFactory(username="ptest", status=Status.DEACTIVATED)
    response = _password(client)
    assert response.status_code == 403
    assert "Uw account is gedeactiveerd" in response.content.decode()
    assert AuditEvent.objects.filter(action="login.deactivated", object_id=str(user.pk)).exists()
    # With a wrong password, nothing about the account is revealed.
    response = _password(client, password="Fout!12345")
    assert "gedeactiveerd" not in response.content.decode()


def test_organisation_that_only_allows_eherkenning_refuses_password_login(client):
    organisation = OrganisationFactory(login_password=False, login_eherkenning=True)
    user = UserFactory(username="ptest", organisation=organisation)
    response = _password(client)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="login.method", object_id=str(user.pk)).exists()
    assert "eHerkenning" in response.content.decode()
    assert "knooppunt_pending_login" not in client.session


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    UserFactory(username="ptest")
    wrong = _password(client, password="Fout!12345")
    unknown = _password(client, username="niemand", password="Fout!12345")
    assert wrong.status_code == unknown.status_code == 200
    assert _without_echo(wrong.content) == _without_echo(unknown.content)
    assert "De combinatie van gebruikersnaam en wachtwoord is onjuist." in wrong.content.decode()
    failed = AuditEvent.objects.filter(action="login.failed")
    assert sorted(failed.values_list("actor_username", flat=True)) == ["niemand", "ptest"]


def test_logout_needs_post(client, log_in):
    user = UserFactory()
    log_in(client, user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_password_request_gives_the_same_receipt_for_known_and_unknown(client, mail_outbox):
    user = UserFactory(username="ptest", email="ptest@proef.example")
    known = client.post(reverse("accounts:password_request"), {"username": "ptest"})
    unknown = client.post(reverse("accounts:password_request"), {"username": "onbekend"})
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known.content) == _without_csrf(unknown.content)
    [mail] = mail_outbox.to(user.email)
    assert "Nieuw wachtwoord instellen" in mail.body


def test_login_follows_a_local_next_but_not_a_foreign_one(client, log_in):
    user = UserFactory(username="ptest")
    response = log_in(client, user, next_url="/operator/")
    assert response["Location"] == "/operator/"
    client.post(reverse("accounts:logout"))
    response = log_in(client, user, next_url="https://elders.example/")
    assert response["Location"] == "/"


def test_pages_behind_login_need_both_steps(client):
    UserFactory(username="ptest")
    _password(client)
    response = client.get(reverse("core:welcome"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
