"""Password age (Portero 2.1): valid 3 months; a warning in the last 2 weeks at every login;
an expired password must be changed right after the second factor, before any other page."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knooppunt.accounts import passwords
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
NEW = "Nieuw!Geheim77"


def _user(days_old: int, **kwargs):
    return UserFactory(
        username="ptest",
        password_changed_at=NOW - datetime.timedelta(days=days_old),
        last_login=NOW - datetime.timedelta(days=1),
        **kwargs,
    )


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _change(client, old=TEST_PASSWORD, new=NEW, again=None):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


@pytest.mark.parametrize(
    ("days_old", "left", "expired", "soon"),
    [
        (0, 91, False, False),
        (76, 15, False, False),
        (77, 14, False, True),
        (80, 11, False, True),
        (90, 1, False, True),
        (91, 0, True, False),
        (100, 0, True, False),
    ],
)
def test_days_left_and_the_windows(days_old, left, expired, soon):
    user = _user(days_old)
    assert passwords.days_left(user) == left
    assert passwords.password_expired(user) is expired
    assert passwords.password_expires_soon(user) is soon


def test_warning_at_login_in_the_last_two_weeks(client, log_in):
    user = _user(80)
    response = log_in(client, user, next_url="/mijn-gegevens/")
    assert response["Location"] == reverse("accounts:password_warning")
    page = client.get(response["Location"]).content.decode()
    assert "Uw wachtwoord verloopt over 11 dagen" in page
    assert "Wachtwoord wijzigen" in page and "Later" in page
    assert 'href="/mijn-gegevens/"' in page  # "Later" goes where the user was going
    assert client.get("/mijn-gegevens/").status_code == 200  # "Later" really lets them on


def test_warning_comes_at_every_login(client, log_in):
    user = _user(85)
    for _ in range(2):
        assert log_in(client, user)["Location"] == reverse("accounts:password_warning")
        client.post(reverse("accounts:logout"))


def test_no_warning_before_the_window(client, log_in):
    user = _user(70)
    assert log_in(client, user)["Location"] == reverse("core:welcome")
    # Opening the warning page by hand just moves on.
    assert client.get(reverse("accounts:password_warning"))["Location"] == "/"


def test_changing_from_the_warning(client, log_in):
    user = _user(80)
    log_in(client, user, next_url="/mijn-gegevens/")
    response = _change(client)
    assert response["Location"] == "/mijn-gegevens/"
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert passwords.days_left(user) == 91


def test_expired_password_must_be_changed_before_anything_else(client, log_in):
    user = _user(100)
    response = log_in(client, user)
    assert response["Location"] == reverse("accounts:password_change")
    for path in ("/", "/mijn-gegevens/", "/operator/", "/wachtwoord/verloopt/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("accounts:password_change"), path
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "Uw wachtwoord is verlopen" in page
    assert "Huidig wachtwoord" in page and "Herhaal nieuw wachtwoord" in page
    # Reusing the expired password is not a change.
    response = _change(client, new=TEST_PASSWORD)
    assert "niet identiek zijn aan 12 voorgaande wachtwoorden" in response.content.decode()
    before = client.cookies["sessionid"].value
    response = _change(client)
    assert response["Location"] == reverse("core:welcome")
    assert client.cookies["sessionid"].value != before  # a new session id after the change
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="password.change", actor_id=user.pk).exists()


@pytest.mark.parametrize(
    ("new", "rule"),
    [
        ("Kort!1", "te kort: minimale lengte van 8 karakters"),
        ("alleenkleineletters", "minimaal 3 van de categorieën"),
        ("Xptest!99x", "gebruikersnaam niet bevatten"),
        ("Q!9Pietje77", "geen delen van de (gebruikers)naam"),
        ("Password1!", "te bekend"),
    ],
)
def test_change_page_names_each_refused_rule(client, log_in, new, rule):
    user = _user(10)
    log_in(client, user)
    response = _change(client, new=new)
    assert rule in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_change_needs_the_current_password_and_equal_entries(client, log_in):
    user = _user(10)
    log_in(client, user)
    assert "Het huidige wachtwoord is onjuist" in _change(client, old="Fout!123").content.decode()
    assert "niet gelijk" in _change(client, again=NEW + "x").content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_change_page_needs_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response["Location"].startswith(reverse("accounts:login"))
