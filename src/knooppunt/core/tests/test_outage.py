"""A database that cannot be reached answers 503 with Retry-After, in HTML for pages and as RFC
9457 problem details under /api/, and the error pages render without it; a mail server or SMS
gateway that fails during the login gets a clear page (the mail of everything else is a job,
see jobs/tests/test_mail_failures.py)."""

import contextlib
import json
import smtplib
import socket

import psycopg
import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import close_old_connections, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from knooppunt.accounts.models import LoginCodeDevice
from knooppunt.audit.models import AuditEvent
from knooppunt.core import errors
from knooppunt.core.outage import database_unavailable
from knooppunt.sms.base import SmsBackend
from knooppunt.testing.factories import TEST_PASSWORD, UserFactory

MESSAGE = "Knooppunt is tijdelijk niet bereikbaar, probeer het over een minuut opnieuw"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def unreachable_database(tmp_path):
    """From here on the database cannot be reached: PostgreSQL is looked for on a closed port,
    SQLite in a file that does not exist (its folder neither). Afterwards it is back."""
    saved_settings = dict(connection.settings_dict)
    saved_connection = None
    if connection.vendor == "postgresql":
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        # The test database lives in memory, on this connection: set it aside, not closed.
        saved_connection, connection.connection = connection.connection, None
        connection.settings_dict["NAME"] = str(tmp_path / "weg" / "knooppunt.sqlite3")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            connection.close()
        elif connection.connection is not None:
            connection.connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved_settings)
        if saved_connection is not None:
            connection.connection = saved_connection
        connection.errors_occurred = False


@pytest.fixture
def browser_client():
    # As a browser sees it: the response, not the exception the test client would re-raise.
    return Client(raise_request_exception=False)


@pytest.fixture
def user(transactional_db):
    return UserFactory(telefoonnummer="")


def assert_unavailable(response, content_type: str) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith(content_type)


def test_a_page_answers_503_while_the_database_cannot_be_reached(browser_client, user, tmp_path):
    browser_client.force_login(user)
    assert browser_client.get("/").status_code == 200
    with unreachable_database(tmp_path):
        response = browser_client.get("/")
        assert_unavailable(response, "text/html")
        assert MESSAGE in response.content.decode()
        # A login, and a page that does not exist (the 404 page needs the session too).
        assert_unavailable(
            browser_client.post(
                reverse("accounts:login"), {"username": user.username, "password": "x"}
            ),
            "text/html",
        )
        assert_unavailable(browser_client.get("/bestaat/niet/"), "text/html")
    assert browser_client.get("/").status_code == 200  # and back by itself


def test_the_api_answers_problem_details_while_the_database_cannot_be_reached(
    browser_client, user, tmp_path
):
    browser_client.force_login(user)
    with unreachable_database(tmp_path):
        response = browser_client.get("/api/v1/gebruikers/", HTTP_ACCEPT="application/json")
    assert_unavailable(response, "application/problem+json")
    problem = json.loads(response.content)
    assert problem == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": MESSAGE,
    }


def test_the_error_pages_render_without_the_database(transactional_db, tmp_path):
    request = RequestFactory().get("/")
    request.user = None  # anything that asked for the user would fail
    with unreachable_database(tmp_path):
        page = errors.server_error(request)  # an error that is not the database's
        assert page.status_code == 500
        assert "Er ging iets mis" in page.content.decode()
        try:
            connection.ensure_connection()
        except Exception:
            unavailable = errors.server_error(request)
        assert_unavailable(unavailable, "text/html")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL backend to end")
def test_an_ended_database_session_answers_503_and_the_next_request_recovers(browser_client, user):
    """As when PostgreSQL restarts under load: the connection a process holds is ended."""
    browser_client.force_login(user)
    assert browser_client.get("/").status_code == 200
    pid = connection.connection.info.backend_pid
    dsn = connection.connection.info.dsn
    with psycopg.connect(dsn, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert_unavailable(browser_client.get("/"), "text/html")
    # Django drops a broken connection at the end of a request (the test client skips that).
    close_old_connections()
    assert browser_client.get("/").status_code == 200


def test_statement_errors_are_not_mistaken_for_an_outage(db):
    from django.db import DatabaseError

    with pytest.raises(DatabaseError) as exc, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM there_is_no_such_table")
    assert not database_unavailable(exc.value)


# --- a mail server or SMS gateway that fails during the login --------------------------------


class RefusingMailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingSmsBackend(SmsBackend):
    def send(self, message):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_a_login_code_that_cannot_be_sent_gets_a_clear_page(
    browser_client, settings, transactional_db, channel, mail_outbox, sms_outbox
):
    user = UserFactory(telefoonnummer="0612345678" if channel == "sms" else "")
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailBackend"
    settings.KNOOPPUNT_SMS_BACKEND = f"{__name__}.RefusingSmsBackend"
    login = {"username": user.username, "password": TEST_PASSWORD}
    response = browser_client.post(reverse("accounts:login"), login)
    # The code is sent after the login's commit (no lock held while the server is slow); when
    # it fails, the code page says so and a new code can be asked for at once.
    assert response.status_code == 302
    page = browser_client.get(reverse("accounts:verify")).content.decode()
    assert "kon niet worden verstuurd" in page
    assert not LoginCodeDevice.objects.filter(user=user).exclude(token=None).exists()
    assert AuditEvent.objects.filter(action="login.code_undelivered").count() == 1
    # Once the server is back, "Stuur een nieuwe code" delivers one, and the login goes on.
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.KNOOPPUNT_SMS_BACKEND = "file"
    response = browser_client.post(reverse("accounts:verify_resend"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    user.refresh_from_db()
    if channel == "sms":
        code = sms_outbox.last_code(user.telefoonnummer)
    else:
        code = mail_outbox.last_code(user.email)
    response = browser_client.post(reverse("accounts:verify"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:welcome")
