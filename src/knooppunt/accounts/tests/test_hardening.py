"""Issue 12: what an adversarial test of the identity core found (each test fails on the code
before the fix)."""

import pytest
from django.urls import reverse

from knooppunt.accounts.models import Status
from knooppunt.audit.models import AuditEvent, Outcome
from knooppunt.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- 12.2: `next` values that are not URLs ---------------------------------------------------


@pytest.mark.parametrize(
    "target", ["abc", "core:welcome", "//evil.example/", "/\\evil", "http://x"]
)
def test_keepalive_with_a_next_that_is_not_a_local_path_goes_to_the_start(client, target):
    response = client.post(reverse("accounts:keepalive"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:welcome")


@pytest.mark.parametrize("target", ["abc", "accounts:logout", "//evil.example/"])
def test_a_login_with_a_next_that_is_not_a_local_path_lands_on_welkom(client, log_in, target):
    user = UserFactory()
    response = log_in(client, user, next_url=target)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:welcome")
    assert client.get(response["Location"]).status_code == 200


def test_a_local_next_is_kept(client, log_in):
    user = UserFactory()
    response = log_in(client, user, next_url="/mijn-gegevens/")
    assert response["Location"] == "/mijn-gegevens/"


# --- 12.5 and 12.10: 'Wachtwoord aanvragen' ----------------------------------------------------


def _request(client, name, address="192.0.2.20"):
    return client.post(
        reverse("accounts:password_request"), {"username": name}, REMOTE_ADDR=address
    )


def test_reset_requests_are_throttled_per_login_name(client, mail_outbox, settings):
    settings.KNOOPPUNT_RESET_PER_NAME = 3
    user = UserFactory(username="ptest")
    answers = {_request(client, "ptest", f"192.0.2.{n}").content for n in range(6)}
    assert len(mail_outbox.to(user.email)) == 3
    refused = AuditEvent.objects.filter(action="password.reset_requested", outcome=Outcome.DENIED)
    assert refused.count() == 3
    # Every answer is the same receipt (apart from the CSRF token's value).
    assert all(b"wachtwoord" in a.lower() for a in answers)


def test_reset_requests_are_throttled_per_address(client, mail_outbox, settings):
    settings.KNOOPPUNT_RESET_PER_ADDRESS = 2
    users = [UserFactory() for _ in range(4)]
    for user in users:
        _request(client, user.username, "198.51.100.7")
    assert sum(len(mail_outbox.to(u.email)) for u in users) == 2


def test_the_reset_mail_is_not_sent_in_the_request(client, mail_outbox, settings):
    """Sent by a job after the commit: the request does the same work for a known name as for
    an unknown one (both audited), so its timing reveals nothing."""
    from knooppunt.jobs.models import OutgoingMail

    user = UserFactory()
    _request(client, user.username)
    _request(client, "niemand")
    assert OutgoingMail.objects.filter(to=user.email, sent_at__isnull=True).count() == 1
    assert AuditEvent.objects.filter(action="password.reset_requested").count() == 2
    assert len(mail_outbox.to(user.email)) == 1  # the outbox runs the queued job


def test_an_invited_user_whose_link_expired_gets_a_new_invitation(client, mail_outbox):
    """Issue 12.10 (Portero: 'kan opnieuw de aanvraag voor een nieuw wachtwoord aanklikken')."""
    invited = UserFactory(status=Status.INVITED)
    _request(client, invited.username)
    mails = mail_outbox.to(invited.email)
    assert len(mails) == 1
    link = mail_outbox.last_link(invited.email)
    path = link[link.index("/wachtwoord/") :]
    new = "Nieuw!Geheim77"
    response = client.post(path, {"new_password1": new, "new_password2": new})
    assert response.status_code == 200
    invited.refresh_from_db()
    assert invited.status == Status.ACTIVE


def test_deactivated_and_deleted_users_get_no_mail(client, mail_outbox):
    for status in (Status.DEACTIVATED, Status.DELETED, Status.EXPIRED):
        user = UserFactory(status=status)
        _request(client, user.username)
        assert mail_outbox.to(user.email) == []


# --- 12.8: refused access is audited, rate-limited ---------------------------------------------


def test_another_organisations_id_is_a_404_that_leaves_a_trace(client, settings):
    from knooppunt.testing.factories import AdministratorFactory

    admin = AdministratorFactory()
    stranger = UserFactory()
    client.force_login(admin)
    response = client.get(reverse("usermanagement:user_edit", args=[stranger.pk]))
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="access.refused")
    assert event.actor_id == admin.pk
    assert event.details["asked"] == str(stranger.pk)
    assert event.details["url_name"] == "usermanagement:user_edit"
    assert event.outcome == Outcome.DENIED


def test_refusals_are_rate_limited_per_actor(client, settings):
    from knooppunt.testing.factories import AdministratorFactory

    settings.KNOOPPUNT_AUDIT_REFUSALS_PER_MINUTE = 3
    admin = AdministratorFactory()
    client.force_login(admin)
    for _ in range(10):
        stranger = UserFactory()
        assert (
            client.get(reverse("usermanagement:user_edit", args=[stranger.pk])).status_code == 404
        )
    assert AuditEvent.objects.filter(action="access.refused").count() == 3


def test_the_agreements_gate_leaves_a_trace(client):
    from knooppunt.testing.factories import OrganisationFactory

    user = UserFactory(organisation=OrganisationFactory(agreements_signed=False))
    client.force_login(user)
    assert client.get(reverse("core:welcome")).status_code == 403
    event = AuditEvent.objects.get(action="access.refused")
    assert event.details["kind"] == "gate"


# --- 12.14 (part): a failing SMS gateway or mail server at the code step ------------------------


def test_a_code_that_cannot_be_delivered_gives_a_clear_message_not_a_500(client, settings):
    settings.KNOOPPUNT_SMS_BACKEND = "knooppunt.accounts.tests.test_hardening.BrokenGateway"
    user = UserFactory(telefoonnummer="+31612345678")
    from knooppunt.testing.factories import TEST_PASSWORD

    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:verify"))
    assert page.status_code == 200
    assert "kon niet worden verstuurd" in page.content.decode()


class BrokenGateway:
    def send(self, message):
        raise ConnectionError("gateway down")
