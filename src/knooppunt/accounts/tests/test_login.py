"""The plain password login of the foundation; the second factor comes with the login issue."""

import re

import pytest
from django.urls import reverse

from knooppunt.accounts.models import Status
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _without_csrf(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_login_with_correct_password(client):
    user = UserFactory(username="ptest")
    response = client.post(
        reverse("accounts:login"), {"username": "PTest", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEvent.objects.filter(action="login.success", actor_id=user.pk).exists()


def test_login_renews_the_session_id(client):
    UserFactory(username="ptest")
    client.get(reverse("accounts:login"))
    client.session["marker"] = 1
    before = client.cookies.get("sessionid")
    client.post(reverse("accounts:login"), {"username": "ptest", "password": TEST_PASSWORD})
    assert client.cookies["sessionid"].value != (before.value if before else None)


@pytest.mark.parametrize(
    "status", [Status.INVITED, Status.DEACTIVATED, Status.EXPIRED, Status.DELETED]
)
def test_users_that_are_not_active_cannot_log_in(client, status):
    UserFactory(username="ptest", status=status)
    response = client.post(
        reverse("accounts:login"), {"username": "ptest", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    UserFactory(username="ptest")
    wrong = client.post(reverse("accounts:login"), {"username": "ptest", "password": "Fout!12345"})
    unknown = client.post(
        reverse("accounts:login"), {"username": "niemand", "password": "Fout!12345"}
    )
    assert wrong.status_code == unknown.status_code == 200
    message = "De combinatie van gebruikersnaam en wachtwoord is onjuist."
    assert message in wrong.content.decode() and message in unknown.content.decode()
    assert AuditEvent.objects.filter(action="login.failed").count() == 2


def test_logout_needs_post(client):
    user = UserFactory()
    client.force_login(user)
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


def test_login_follows_a_local_next_but_not_a_foreign_one(client):
    UserFactory(username="ptest")
    data = {"username": "ptest", "password": TEST_PASSWORD}
    response = client.post(reverse("accounts:login") + "?next=/operator/", data)
    assert response["Location"] == "/operator/"
    client.post(reverse("accounts:logout"))
    response = client.post(reverse("accounts:login") + "?next=https://elders.example/", data)
    assert response["Location"] == "/"
