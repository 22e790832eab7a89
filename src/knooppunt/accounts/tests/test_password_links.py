"""Invitation and reset links: 8 hours, once; a used or expired link says so."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knooppunt.accounts import passwords
from knooppunt.accounts.models import PasswordLinkPurpose, Status
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
NEW = "Nieuw!Geheim77"


@pytest.fixture
def invited():
    user = UserFactory(status=Status.INVITED, password_changed_at=None)
    user.set_unusable_password()
    user.save()
    return user


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _path(url: str) -> str:
    return reverse("accounts:set_password", args=[_token(url)])


def test_link_sets_password_and_activates(client, invited):
    url = passwords.create_link(invited, PasswordLinkPurpose.INVITATION)
    response = client.get(_path(url))
    assert response.status_code == 200
    assert invited.username in response.content.decode()
    response = client.post(_path(url), {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    assert "Uw wachtwoord is opgeslagen" in response.content.decode()
    invited.refresh_from_db()
    assert invited.status == Status.ACTIVE
    assert invited.check_password(NEW)
    assert invited.password_changed_at is not None
    assert AuditEvent.objects.filter(action="password.set", actor_id=invited.pk).exists()


def test_link_works_only_once(client, invited):
    url = passwords.create_link(invited, PasswordLinkPurpose.INVITATION)
    client.post(_path(url), {"new_password1": NEW, "new_password2": NEW})
    response = client.get(_path(url))
    assert response.status_code == 410
    body = response.content.decode()
    assert "Deze link werkt niet meer" in body
    assert reverse("accounts:password_request") in body
    response = client.post(
        _path(url), {"new_password1": "Ander!Geheim88", "new_password2": "Ander!Geheim88"}
    )
    assert response.status_code == 410
    invited.refresh_from_db()
    assert invited.check_password(NEW)


def test_link_expires_after_8_hours(client, invited):
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        url = passwords.create_link(invited, PasswordLinkPurpose.INVITATION)
    with time_machine.travel(start + datetime.timedelta(hours=7, minutes=59), tick=False):
        assert client.get(_path(url)).status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=8, seconds=1), tick=False):
        response = client.get(_path(url))
        assert response.status_code == 410
        response = client.post(_path(url), {"new_password1": NEW, "new_password2": NEW})
        assert response.status_code == 410
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_unknown_token_says_link_no_longer_works(client):
    response = client.get(reverse("accounts:set_password", args=["nonsense"]))
    assert response.status_code == 410


def test_weak_password_is_refused_with_the_rule_named(client, invited):
    url = passwords.create_link(invited, PasswordLinkPurpose.INVITATION)
    response = client.post(_path(url), {"new_password1": "kort", "new_password2": "kort"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "te kort: minimale lengte van 8 karakters" in body
    invited.refresh_from_db()
    assert invited.status == Status.INVITED


def test_mismatched_passwords_are_refused(client, invited):
    url = passwords.create_link(invited, PasswordLinkPurpose.INVITATION)
    response = client.post(_path(url), {"new_password1": NEW, "new_password2": NEW + "x"})
    assert "niet gelijk" in response.content.decode()


def test_only_a_hash_of_the_token_is_stored(invited):
    url = passwords.create_link(invited, PasswordLinkPurpose.INVITATION)
    link = invited.password_links.get()
    assert _token(url) not in link.token_hash


def test_a_new_password_ends_other_outstanding_links(client, invited):
    first = passwords.create_link(invited, PasswordLinkPurpose.INVITATION)
    second = passwords.create_link(invited, PasswordLinkPurpose.INVITATION)
    client.post(_path(second), {"new_password1": NEW, "new_password2": NEW})
    assert client.get(_path(first)).status_code == 410


def test_deleted_user_cannot_use_a_link(client, invited):
    url = passwords.create_link(invited, PasswordLinkPurpose.INVITATION)
    invited.status = Status.DELETED
    invited.save()
    assert client.get(_path(url)).status_code == 410


def test_reset_through_a_link_is_audited_as_a_reset(client):
    user = UserFactory()
    url = passwords.create_link(user, PasswordLinkPurpose.RESET)
    client.post(_path(url), {"new_password1": NEW, "new_password2": NEW})
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEvent.objects.filter(action="password.reset", actor_id=user.pk).exists()


def test_the_policy_is_checked_once_per_submission(client, invited, monkeypatch):
    """Each of the 12 history entries costs an Argon2 hash: form and service must not both check."""
    from knooppunt.accounts.validators import PasswordHistoryValidator

    calls = []
    original = PasswordHistoryValidator.validate
    monkeypatch.setattr(
        PasswordHistoryValidator,
        "validate",
        lambda self, password, user=None: calls.append(password) or original(self, password, user),
    )
    url = passwords.create_link(invited, PasswordLinkPurpose.INVITATION)
    client.post(_path(url), {"new_password1": NEW, "new_password2": NEW})
    assert calls == [NEW]
