"""'Mijn gegevens': the user's own choice of code channel and authenticator app."""

import pytest
from django.urls import reverse

from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import UserFactory
from knooppunt.testing.html import has_field_error

pytestmark = pytest.mark.django_db


def test_profile_shows_own_data_and_needs_login(client, log_in):
    assert client.get(reverse("accounts:profile"))["Location"].startswith("/inloggen/")
    user = UserFactory(username="ptest", telefoonnummer="+31612345678")
    log_in(client, user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Mijn gegevens" in page and "ptest" in page and "+31612345678" in page
    assert "Op dit moment ontvangt u de code per SMS" in page


def test_choosing_email_sends_the_next_code_by_email(client, log_in, mail_outbox, sms_outbox):
    user = UserFactory(username="ptest", telefoonnummer="+31612345678")
    log_in(client, user)
    response = client.post(reverse("accounts:profile"), {"code_channel": "email"})
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.code_channel == "email"
    assert AuditEvent.objects.filter(action="profile.code_channel", actor_id=user.pk).exists()
    client.post(reverse("accounts:logout"))
    log_in(client, user)
    assert len(sms_outbox.to(user.telefoonnummer)) == 1  # only the first login's
    assert len(mail_outbox.to(user.email)) == 1


def test_sms_without_a_mobile_number_is_refused(client, log_in):
    user = UserFactory(username="ptest", telefoonnummer="")
    log_in(client, user)
    response = client.post(reverse("accounts:profile"), {"code_channel": "sms"})
    assert "Er is geen mobiel nummer bekend" in response.content.decode()
    user.refresh_from_db()
    assert user.code_channel == "auto"


def test_nonsense_choice_gets_a_message_not_an_error(client, log_in):
    user = UserFactory(username="ptest")
    log_in(client, user)
    response = client.post(reverse("accounts:profile"), {"code_channel": "duif"})
    assert response.status_code == 200
    assert has_field_error(response.content.decode())


def test_setup_page_shows_a_server_rendered_qr_code_and_the_key(client, log_in):
    import base64

    user = UserFactory(username="ptest")
    log_in(client, user)
    page = client.get(reverse("accounts:authenticator_setup")).content.decode()
    start = page.index("data:image/svg+xml;base64,") + len("data:image/svg+xml;base64,")
    svg = base64.b64decode(page[start : page.index('"', start)]).decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Sleutel" in page
    # Reloading keeps the same unconfirmed device (the app scanned it already).
    again = client.get(reverse("accounts:authenticator_setup")).content.decode()
    assert page.split("Sleutel")[1][:80] == again.split("Sleutel")[1][:80]
