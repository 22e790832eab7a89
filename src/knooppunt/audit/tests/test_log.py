""" "Logboek": the administrator reads its own organisation's trail, filters it and exports it."""

import csv
import io

import pytest
from django.urls import reverse

from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import OperatorUserFactory, UserFactory
from knooppunt.testing.html import cells, has_field_error
from knooppunt.testing.views import body
from knooppunt.usermanagement import services

pytestmark = pytest.mark.django_db
LOG = reverse("audit:log")


@pytest.fixture
def trail(world, colleague):
    services.deactivate_user(world.admin, colleague)
    services.reactivate_user(world.admin, colleague)
    stranger = UserFactory(organisation=world.other_organisation, email="x@elders.nl")
    services.deactivate_user(world.other_admin, stranger)
    return colleague


def test_the_log_shows_only_the_own_organisation(admin_client, trail):
    html = admin_client.get(LOG).content.decode()
    assert "Gebruiker gedeactiveerd" in html and "Gebruiker geactiveerd" in html
    assert cells(html, "Gebruiker gedeactiveerd") == 1  # not the other organisation's
    assert "ptest" in html


def test_filters_by_action_user_and_date(admin_client, trail):
    html = admin_client.get(LOG, {"actie": "user.reactivate"}).content.decode()
    assert "Gebruiker geactiveerd" in html and not cells(html, "Gebruiker gedeactiveerd")
    assert "1 regel." in html
    html = admin_client.get(LOG, {"gebruiker": "nobody"}).content.decode()
    assert "Geen regels gevonden." in html
    html = admin_client.get(LOG, {"van": "2000-01-01", "tot": "2000-01-02"}).content.decode()
    assert "Geen regels gevonden." in html
    response = admin_client.get(LOG, {"van": "geen datum"})
    assert response.status_code == 200 and has_field_error(response.content.decode())


def test_export_is_csv_of_the_filtered_trail_and_is_itself_audited(admin_client, trail, world):
    response = admin_client.get(reverse("audit:export"), {"actie": "user.deactivate"})
    rows = list(csv.reader(io.StringIO(body(response).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["nummer", "tijdstip", "gebruiker"]
    assert [r[4] for r in rows[1:]] == ["Gebruiker gedeactiveerd"]
    assert rows[1][2] == "abeheer" and rows[1][5] == "ptest"
    export = AuditEvent.objects.get(action="audit.export")
    assert export.organisation_id == world.organisation.pk


def test_operator_reads_every_organisation(client, trail):
    client.force_login(OperatorUserFactory())
    html = client.get(LOG).content.decode()
    assert cells(html, "Gebruiker gedeactiveerd") == 2
