"""Meldingen: addresses inside the organisation's e-mail domains (functional ones allowed), and
a test mail through the job queue."""

import pytest
from django.test import Client
from django.urls import reverse

from knooppunt.audit.models import AuditEvent
from knooppunt.products import selectors
from knooppunt.products.models import NotificationAddress


@pytest.fixture
def client(productbeheerder):
    client = Client()
    client.force_login(productbeheerder)
    return client


def _add(client, organisation, email):
    return client.post(
        reverse("products:address_add", args=[organisation.pk, "iwmo"]), {"email": email}
    )


def test_a_functional_address_in_the_domain_is_added_and_audited(client, organisation):
    response = _add(client, organisation, "Berichten@Instelstad.example")
    assert response.status_code == 302
    assert selectors.notification_addresses(organisation.pk, "iwmo") == [
        "Berichten@instelstad.example"
    ]
    assert selectors.notification_addresses(organisation.pk, "ijw") == []
    event = AuditEvent.objects.get(action="products.notification_add")
    assert event.details["email"] == "Berichten@instelstad.example"


@pytest.mark.parametrize(
    "email, message",
    [
        ("berichten@elders.example", "binnen het domein van uw organisatie"),
        ("geen-adres", "geldig e-mailadres"),
        ("", "Dit veld is verplicht"),
    ],
)
def test_bad_addresses_are_refused(client, organisation, email, message):
    response = _add(client, organisation, email)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NotificationAddress.objects.exists()


def test_an_address_twice_is_refused(client, organisation):
    _add(client, organisation, "berichten@instelstad.example")
    response = _add(client, organisation, "BERICHTEN@instelstad.example")
    assert "Dit adres staat er al" in response.content.decode()
    assert NotificationAddress.objects.count() == 1


def test_test_mail_goes_through_the_job_queue(client, organisation, mail_outbox):
    _add(client, organisation, "berichten@instelstad.example")
    address = NotificationAddress.objects.get()
    response = client.post(
        reverse("products:address_test", args=[organisation.pk, "iwmo", address.pk])
    )
    assert response.status_code == 302
    [mail] = mail_outbox.to("berichten@instelstad.example")
    assert "iWmo" in mail.subject
    assert "Gemeente Instelstad" in mail.body
    assert AuditEvent.objects.filter(action="products.notification_test").exists()


def test_remove(client, organisation):
    _add(client, organisation, "berichten@instelstad.example")
    address = NotificationAddress.objects.get()
    client.post(reverse("products:address_remove", args=[organisation.pk, "iwmo", address.pk]))
    assert not NotificationAddress.objects.exists()
    assert AuditEvent.objects.filter(action="products.notification_remove").exists()


def test_without_domains_any_valid_address_is_fine(organisation, productbeheerder):
    organisation.email_domains.all().delete()
    client = Client()
    client.force_login(productbeheerder)
    assert _add(client, organisation, "meldingen@leverancier.example").status_code == 302
