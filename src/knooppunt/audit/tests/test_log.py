""" "Logboek": the administrator reads its own organisation's trail, filters it and exports it."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

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


def test_actions_and_details_read_as_words(admin_client, world, colleague):
    from knooppunt.access import services as access_services
    from knooppunt.usermanagement import services as um

    access_services.set_grants(world.admin, colleague, {("iwmo", "gebruiker")})
    um.set_administrator(world.admin, colleague, True)
    um.set_administrator(world.admin, colleague, False)
    um.deactivate_user(world.admin, colleague)
    html = admin_client.get(LOG).content.decode()
    assert "Rol toegekend" in html and "product: iWmo" in html and "rol: Gebruiker" in html
    assert "recht gegeven" in html and "recht ingetrokken" in html
    assert "rollen op inactief: iWmo — Gebruiker" in html
    for raw in ("role.grant", "is_administrator", "iwmo:gebruiker", "True", "False"):
        assert raw not in html.split('id="id_actie"')[1].split("</select>")[1], raw


def test_the_action_filter_is_grouped_and_the_period_is_a_range(admin_client, trail):
    html = admin_client.get(LOG).content.decode()
    groups = re.findall(r'<optgroup label="([^"]+)">', html)
    assert groups[:4] == ["Inloggen", "Gebruikers", "Rollen", "Organisatie"]
    assert "eHerkenningmakelaar toegevoegd" not in html  # the operator's own work
    response = admin_client.get(LOG, {"van": "2026-12-31", "tot": "2026-01-01"})
    assert "Deze datum ligt vóór de datum" in response.content.decode()
    today = timezone.localdate().isoformat()
    html = admin_client.get(LOG, {"van": today, "tot": today}).content.decode()
    assert cells(html, "Gebruiker gedeactiveerd") == 1


def test_the_old_paths_still_work():
    assert LOG == "/gebruikers/logboek/"
    assert reverse("audit:export") == "/gebruikers/logboek/export/"


def test_personal_details_stay_out_of_the_administrators_export(admin_client, client, world):
    from knooppunt.usermanagement import services as um

    gone = UserFactory(organisation=world.organisation, email="weg@voorbeeld.nl")
    um.delete_user(world.admin, gone, "Vertrokken na ziekte")
    rows = export_rows(admin_client.get(reverse("audit:export"), {"actie": "user.delete"}))
    assert "Vertrokken na ziekte" not in rows[1][8] and "gewist: e-mailadres" in rows[1][8]
    # On screen and in the operator's export the reason is there.
    assert "Vertrokken na ziekte" in admin_client.get(LOG).content.decode()
    client.force_login(OperatorUserFactory())
    rows = export_rows(client.get(reverse("audit:export"), {"actie": "user.delete"}))
    assert "reden: Vertrokken na ziekte" in rows[1][8]


def export_rows(response):
    return list(csv.reader(io.StringIO(body(response).lstrip("\ufeff")), delimiter=";"))
