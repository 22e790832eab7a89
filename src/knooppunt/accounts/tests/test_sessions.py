"""Sessions (SPEC 5.3): idle timeout of 20 minutes with the reason on the login page, a warning
before it on pages with JavaScript, an absolute maximum, secure cookie settings."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def _at(minutes: float):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


@pytest.fixture
def logged_in(client, log_in):
    user = UserFactory(username="ptest")
    with _at(0):
        log_in(client, user)
    return user


def test_idle_for_20_minutes_logs_out_and_says_why(client, logged_in):
    with _at(19.5):
        assert client.get("/").status_code == 200
    with _at(19.5 + 20.5):
        response = client.get("/mijn-gegevens/")
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:login") + "?next=%2Fmijn-gegevens%2F"
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"]).content.decode()
        assert "automatisch uitgelogd omdat u 20 minuten niet actief bent geweest" in page
    event = AuditEvent.objects.get(action="session.timeout")
    assert event.actor_id == logged_in.pk and event.details == {"reason": "idle"}


def test_just_under_the_idle_time_stays_logged_in(client, logged_in):
    with _at(19.9):
        assert client.get("/").status_code == 200


def test_activity_keeps_the_session_alive(client, logged_in):
    for minute in (15, 30, 45, 60):
        with _at(minute):
            assert client.get("/").status_code == 200


def test_keepalive_counts_as_activity(client, logged_in):
    with _at(18):
        response = client.post(reverse("accounts:keepalive"), HTTP_X_REQUESTED_WITH="fetch")
        assert response.status_code == 204
    with _at(18 + 19):
        assert client.get("/").status_code == 200


def test_keepalive_without_javascript_returns_to_the_page(client, logged_in):
    with _at(1):
        response = client.post(reverse("accounts:keepalive"), {"next": "/mijn-gegevens/"})
        assert response["Location"] == "/mijn-gegevens/"


def test_absolute_maximum_even_when_active(client, logged_in, settings):
    minute = 0
    while minute < 700:
        minute += 15
        with _at(minute):
            response = client.get("/")
            if response.status_code != 200:
                break
    assert minute == 615  # 10 hours: the absolute maximum
    assert response["Location"].startswith(reverse("accounts:login"))
    with _at(minute):
        page = client.get(reverse("accounts:login")).content.decode()
        assert "langer dan 10 uur was ingelogd" in page


def test_pages_carry_the_warning_for_javascript(client, logged_in):
    with _at(5):
        page = client.get("/").content.decode()
    assert 'id="sessie-waarschuwing"' in page and "hidden" in page
    assert 'data-seconds-left="1200"' in page and 'data-warn-before="120"' in page
    assert "/static/js/sessie.js" in page
    assert 'action="/sessie/verlengen/"' in page  # the button works without JavaScript too


def test_anonymous_pages_have_no_warning(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "sessie-waarschuwing" not in page


def test_cookie_settings(settings):
    from django.conf import settings as live

    assert live.SESSION_COOKIE_HTTPONLY is True
    assert live.SESSION_COOKIE_SAMESITE == "Lax"
    assert live.SESSION_ENGINE == "knooppunt.accounts.sessions"  # in the database
    assert live.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_production_cookies_are_secure():
    import os
    import subprocess
    import sys

    env = {**os.environ, "SECRET_KEY": "x" * 50, "DEBUG": "0"}
    env.pop("KNOOPPUNT_SECURE", None)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='knooppunt.conf.settings'; "
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_AGE)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["True", "True", "36000"], out.stderr


def test_deactivating_a_user_ends_their_session(client, logged_in):
    with _at(1):
        logged_in.status = "deactivated"
        logged_in.save()
        response = client.get("/")
        assert response["Location"].startswith(reverse("accounts:login"))


def test_session_store_keeps_sessions_in_the_database_and_survives_a_key_collision():
    from django.contrib.sessions.models import Session

    from knooppunt.accounts.sessions import SessionStore

    first = SessionStore()
    first["x"] = 1
    first.create()
    assert Session.objects.filter(session_key=first.session_key).exists()

    keys = iter([first.session_key, "b" * 32])

    class Colliding(SessionStore):
        def _get_new_session_key(self):
            return next(keys)

    second = Colliding()
    second.create()
    assert second.session_key == "b" * 32  # the taken key was retried, not overwritten
    assert SessionStore(first.session_key)["x"] == 1
    second.delete()
    assert not Session.objects.filter(session_key="b" * 32).exists()


def test_a_new_session_key_is_160_random_bits_in_the_whole_column():
    from django.contrib.sessions.models import Session

    from knooppunt.accounts.sessions import SessionStore

    width = Session._meta.get_field("session_key").max_length
    keys = {SessionStore()._get_new_session_key() for _ in range(200)}
    assert len(keys) == 200
    assert all(re.fullmatch(f"[0-9a-f]{{{width}}}", key) for key in keys)


def test_a_new_session_id_is_written_once_with_everything_the_request_added():
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from knooppunt.accounts.sessions import SessionStore

    session = SessionStore()
    session["pending"] = 1
    session.create()
    old = session.session_key
    session.cycle_key()
    assert not Session.objects.filter(session_key=old).exists()  # the old id is dead at once
    session["user"] = 7
    with CaptureQueriesContext(connection) as writes:
        session.save()
    assert session.session_key not in (None, old)
    assert [q["sql"].split()[0] for q in writes if "django_session" in q["sql"]] == ["INSERT"]
    assert dict(SessionStore(session.session_key).load()) == {"pending": 1, "user": 7}


# --- the session store (plain SQL on Django's session table) ----------------------------------


def test_the_store_round_trips_and_refuses_an_expired_or_unknown_key():
    from django.contrib.sessions.models import Session

    from knooppunt.accounts.sessions import SessionStore

    store = SessionStore()
    store["colour"] = "blauw"
    store.save()
    assert SessionStore(store.session_key).load() == {"colour": "blauw"}
    assert SessionStore(store.session_key).exists(store.session_key)
    Session.objects.filter(pk=store.session_key).update(
        expire_date=START - datetime.timedelta(days=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    assert SessionStore("x" * 32).load() == {}
    assert SessionStore("kort").load() == {}  # not a valid key: no query at all


def test_saving_a_session_that_ended_elsewhere_fails_instead_of_recreating_it():
    from django.contrib.sessions.backends.base import UpdateError

    from knooppunt.accounts.sessions import SessionStore

    store = SessionStore()
    store["a"] = 1
    store.save()
    SessionStore(store.session_key).delete()  # a logout in another tab
    store["a"] = 2
    with pytest.raises(UpdateError):
        store.save()


def test_a_login_copies_last_login_to_the_search_index(client, log_in):
    from knooppunt.usermanagement.models import UserSearchIndex

    user = UserFactory(last_login=None)
    log_in(client, user)
    user.refresh_from_db()
    assert user.last_login is not None
    assert UserSearchIndex.objects.get(pk=user.pk).last_login == user.last_login
