"""The operator's "Aanvragen" in the console: the work queue (filters by status, organisation,
kind and late; sorted by deadline; a pinned query count), the application's page with its
actions, each through its service, and the NEN 7513 log of opening and downloading."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knooppunt.aanvragen import services
from knooppunt.aanvragen.models import ChecklistItem, Status
from knooppunt.audit.models import AuditEvent

from . import files
from .conftest import data, submitted, uploads_for

pytestmark = pytest.mark.django_db

QUEUE = "/operator/aanvragen/aanvraag/"


def _page(aanvraag) -> str:
    return f"{QUEUE}{aanvraag.pk}/change/"


def _action(aanvraag, action) -> str:
    return reverse("operator:aanvragen_aanvraag_action", args=[aanvraag.pk, action])


def _shown(response) -> list[int]:
    return [obj.pk for obj in response.context["cl"].result_list]


@pytest.fixture
def operator_client(client, world):
    client.force_login(world.operator)
    return client


def test_the_queue_has_no_concepts_and_sorts_by_deadline(operator_client, world):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)):
        regular = submitted(world.user)
        urgent = submitted(world.other_user, spoed=True, spoed_reden="Acuut")
    services.create_draft(world.user, "regulier", data())
    response = operator_client.get(QUEUE)
    assert response.status_code == 200
    assert _shown(response) == [urgent.pk, regular.pk]


def test_the_queue_filters_by_status_organisation_kind_and_late(operator_client, world):
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)):
        late = submitted(world.user, "wzd-artikel-21")
    fresh = submitted(world.other_user, "partnerverblijf")
    received = services.confirm_receipt(world.operator, submitted(world.user))
    assert _shown(operator_client.get(QUEUE, {"status": "ontvangen"})) == [received.pk]
    by_org = _shown(
        operator_client.get(QUEUE, {"organisation__id__exact": world.other_organisation.pk})
    )
    assert by_org == [fresh.pk]
    assert _shown(operator_client.get(QUEUE, {"soort": "wzd-artikel-21"})) == [late.pk]
    response = operator_client.get(QUEUE, {"te_laat": "ja"})
    assert _shown(response) == [late.pk]
    assert "TE LAAT" in response.content.decode()
    assert _shown(operator_client.get(QUEUE, {"te_laat": "ontvangst"})) == [late.pk]
    assert _shown(operator_client.get(QUEUE, {"q": str(fresh.pk)})) == [fresh.pk]


def test_the_queue_has_a_pinned_query_count(operator_client, world):
    submitted(world.user)
    operator_client.get(QUEUE)
    with CaptureQueriesContext(connection) as one:
        operator_client.get(QUEUE)
    for _n in range(8):
        submitted(world.other_user)
    with CaptureQueriesContext(connection) as many:
        response = operator_client.get(QUEUE)
    assert len(_shown(response)) == 9
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


def test_only_the_operator_reaches_the_queue(client, world):
    aanvraag = submitted(world.user)
    client.force_login(world.user)
    for url in (QUEUE, _page(aanvraag), _action(aanvraag, "ontvangst")):
        # The console sends everyone but the operator to its login, which is a 404 to them.
        assert client.get(url, follow=True).status_code == 404
        assert client.post(url, follow=True).status_code == 404
    aanvraag.refresh_from_db()
    assert aanvraag.status == Status.INGEDIEND


def test_the_operators_steps_through_the_page(operator_client, world):
    aanvraag = submitted(world.user, signed=False)
    page = operator_client.get(_page(aanvraag)).content.decode()
    assert "Ontvangst bevestigen" in page and "Besluit vastleggen" not in page
    response = operator_client.post(_action(aanvraag, "ontvangst"), {"ontvangst-opmerking": "Ok"})
    assert response.status_code == 302
    response = operator_client.post(_action(aanvraag, "behandelen"), {})
    assert response.status_code == 400
    assert "De handtekening van de aanvrager ontbreekt nog" in response.content.decode()
    response = operator_client.post(
        _action(aanvraag, "opschorten"),
        {"opschorten-reden": "Handtekening ontbreekt", "opschorten-nodig": ["handtekening"]},
    )
    assert response.status_code == 302
    aanvraag.refresh_from_db()
    assert aanvraag.status == Status.OPGESCHORT
    assert "Termijn gepauzeerd" in operator_client.get(_page(aanvraag)).content.decode()
    services.supplement(
        world.user,
        aanvraag,
        [services.Upload("ondertekening", files.upload("h.pdf", files.pdf()))],
    )
    assert operator_client.post(_action(aanvraag, "behandelen"), {}).status_code == 302
    today = datetime.date.today().isoformat()
    response = operator_client.post(
        _action(aanvraag, "besluit"),
        {"besluit-uitkomst": "toegekend", "besluit-besluitdatum": today},
    )
    assert response.status_code == 302
    aanvraag.refresh_from_db()
    assert aanvraag.status == Status.BESLUIT and aanvraag.uitkomst == "toegekend"
    page = operator_client.get(_page(aanvraag)).content.decode()
    assert "Bewaartermijn" in page


def test_refused_steps_and_bad_input_get_a_message_not_a_500(operator_client, world):
    aanvraag = submitted(world.user)
    response = operator_client.post(
        _action(aanvraag, "besluit"),
        {"besluit-uitkomst": "toegekend", "besluit-besluitdatum": "2026-01-01"},
    )
    assert response.status_code == 400
    assert (
        "Een besluit nemen kan niet bij een aanvraag met de status Ingediend"
        in response.content.decode()
    )
    response = operator_client.post(_action(aanvraag, "opschorten"), {"opschorten-reden": ""})
    assert response.status_code == 400
    assert "Vul de reden van opschorten in." in response.content.decode()
    assert operator_client.post(_action(aanvraag, "weggooien"), {}).status_code == 404
    assert operator_client.get(_action(aanvraag, "ontvangst")).status_code == 405
    assert operator_client.get(f"{QUEUE}999999/change/").status_code in (302, 404)
    concept = services.create_draft(world.user, "regulier", data())
    assert operator_client.get(_page(concept)).status_code in (302, 404)
    assert operator_client.post(_action(concept, "ontvangst"), {}).status_code == 404
    aanvraag.refresh_from_db()
    assert aanvraag.status == Status.INGEDIEND


def test_opening_and_downloading_in_the_console_are_logged(operator_client, world):
    aanvraag = submitted(world.user)
    operator_client.get(_page(aanvraag))
    bijlage = aanvraag.bijlagen.first()
    url = reverse("operator:aanvragen_aanvraag_download", args=[aanvraag.pk, bijlage.pk])
    response = operator_client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    for action in ("aanvragen.opened", "aanvragen.attachment_downloaded"):
        event = AuditEvent.objects.get(action=action)
        assert event.actor_username == "ciz" and event.actor_kind == "operator"
        assert event.organisation_id == world.organisation.pk  # in the submitter's Logboek
        assert event.details["client"] == aanvraag.bsn_hash
    other = submitted(world.other_user)
    url = reverse(
        "operator:aanvragen_aanvraag_download", args=[other.pk, bijlage.pk]
    )  # an attachment of another application
    assert operator_client.get(url).status_code == 404


def test_the_checklist_is_changed_in_the_console_through_its_service(operator_client, world):
    item = ChecklistItem.objects.get(soort="regulier")
    url = f"/operator/aanvragen/checklistitem/{item.pk}/change/"
    response = operator_client.post(
        url, {"soort": "regulier", "bijlagesoort": item.bijlagesoort_id, "_save": "Opslaan"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.verplicht is False
    assert AuditEvent.objects.filter(action="aanvragen.checklist_changed").exists()
    aanvraag = services.create_draft(world.user, "regulier", data())
    from knooppunt.aanvragen import workflow

    assert workflow.missing(aanvraag) == []
    assert uploads_for("regulier")
