"""The webservice of Wlz-aanvragen: the access contract over its endpoints, submitting with
multipart attachments (in one step or not at all), the list with ?status=, one application with
its history and the NEN 7513 log, and bad input as problem details."""

import json

import pytest
from django.test import Client

from knooppunt.aanvragen import services
from knooppunt.aanvragen.models import Aanvraag, Bijlage, Status
from knooppunt.audit.models import AuditEvent
from knooppunt.organisations.models import Profile
from knooppunt.testing.api import ApiAccessContract, auth, make_credential, problem

from . import files
from .conftest import BSN, data, submitted, uploads_for, zorgaanbieder

pytestmark = pytest.mark.django_db

URL = "/api/v1/wlz-aanvragen"


class TestAanvragenEndpoints(ApiAccessContract):
    product = "wlz-aanvragen"

    @pytest.fixture
    def api_world(self, db):
        from .conftest import gebruiker

        api_world = ApiAccessContract.api_world.__wrapped__(self, db)
        user = gebruiker(api_world.organisation)
        aanvraag = submitted(user, achternaam="Uniekenaam")
        api_world.ids["pk"] = aanvraag.pk
        api_world.markers.append("Uniekenaam")
        api_world.product_markers.append("Uniekenaam")
        return api_world


@pytest.fixture
def key(world):
    _credential, key = make_credential(world.organisation, "wlz-aanvragen", name="Zorgsysteem")
    return key


def _fields(**overrides) -> dict:
    values = {
        "soort": "regulier",
        "bsn": BSN,
        "voorletters": "J.",
        "tussenvoegsel": "de",
        "achternaam": "Vries",
        "geboortedatum": "1940-05-17",
        "toelichting": "Via het zorgsysteem",
        "ondertekening": "ondertekend",
        "aanmelder_naam": "T. Triage",
        "aanmelder_functie": "Zorgbemiddelaar",
        "aanmelder_telefoon": "030 123 45 67",
    }
    values.update(overrides)
    return values


def _post(key, fields, attachments=None):
    body = dict(fields)
    for name, upload in (attachments or {}).items():
        body[name] = upload
    return Client().post(URL, body, **auth(key))


def _complete():
    return {
        "bijlage_medische-informatie": files.upload("medisch.pdf", files.pdf()),
        "bijlage_ondertekening": files.upload("getekend.png", files.png()),
    }


def test_post_submits_an_application_with_its_attachments(world, key):
    response = _post(key, _fields(), _complete())
    assert response.status_code == 201, response.content
    body = json.loads(response.content)
    aanvraag = Aanvraag.objects.get()
    assert response["Location"] == f"{URL}/{aanvraag.pk}"
    assert body["status"] == "ingediend" and body["bsn"] == BSN
    assert body["aanmelder_naam"] == "T. Triage"
    assert [b["soort"] for b in body["bijlagen"]] == ["medische-informatie", "ondertekening"]
    assert [(h["van"], h["naar"], h["door"]) for h in body["historie"]] == [
        ("concept", "ingediend", "Zorgsysteem")
    ]
    assert body["termijn"]["te_laat"] is False
    assert aanvraag.organisation == world.organisation


def test_an_incomplete_post_saves_nothing_and_says_what_is_missing(world, key, tmp_path):
    response = _post(key, _fields(ondertekening="ondertekend"), {})
    assert response.status_code == 422
    body = problem(response)
    assert body["type"] == "urn:knooppunt:probleem:niet-verwerkt"
    assert [e["detail"] for e in body["errors"]] == [
        "bijlage: Medische informatie",
        "bijlage: Ondertekend aanvraagformulier",
    ]
    response = _post(
        key, _fields(), {"bijlage_medische-informatie": files.upload("m.pdf", files.pdf())}
    )
    assert response.status_code == 422
    assert not Aanvraag.objects.exists() and not Bijlage.objects.exists()
    stored = [p for p in (tmp_path / "bijlagen").rglob("*") if p.is_file()]
    assert stored == []


@pytest.mark.parametrize(
    "fields,attachments,pointer,text",
    [
        ({"bsn": "123456789"}, None, "#/bsn", "Dit is geen geldig BSN"),
        (
            {"geboortedatum": "2999-01-01"},
            None,
            "#/geboortedatum",
            "De geboortedatum kan niet in de toekomst liggen.",
        ),
        (
            {},
            {"bijlage_medische-informatie": files.upload("m.pdf", files.png())},
            "#/bijlagen",
            "De inhoud van m.pdf is een PNG-bestand",
        ),
        (
            {},
            {"bijlage_medische-informatie": files.upload("m.pdf", files.pdf_with_password())},
            "#/bijlagen",
            "m.pdf is beveiligd met een wachtwoord",
        ),
    ],
)
def test_bad_input_is_a_422_with_the_field(world, key, fields, attachments, pointer, text):
    response = _post(key, _fields(**fields), attachments or _complete())
    assert response.status_code == 422, response.content
    body = problem(response)
    assert any(e["pointer"] == pointer and text in e["detail"] for e in body["errors"]), body
    assert not Aanvraag.objects.exists()


def test_a_kind_outside_the_profile_is_refused(world):
    basis = zorgaanbieder("Basis Webservice", profile=Profile.BASIS)
    _c, key = make_credential(basis, "wlz-aanvragen")
    response = _post(key, _fields(soort="partnerverblijf"), _complete())
    assert response.status_code == 422
    errors = problem(response)["errors"]
    assert errors[0]["pointer"] == "#/soort"
    assert "staat de aanvraagsoort Partnerverblijf niet toe" in errors[0]["detail"]


def test_shape_errors_are_400_and_json_is_415(world, key):
    response = _post(key, {"soort": "regulier"})
    assert response.status_code == 400
    pointers = {e["pointer"] for e in problem(response)["errors"]}
    assert {"#/bsn", "#/achternaam", "#/geboortedatum", "#/aanmelder_naam"} <= pointers
    response = Client().post(URL, "{}", content_type="application/json", **auth(key))
    assert response.status_code == 415
    problem(response)


def test_a_body_too_large_is_413(world, key, settings):
    settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGE_MB = 1
    settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGEN = 1
    big = files.upload("groot.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    response = _post(key, _fields(), {"bijlage_overig": big})
    assert response.status_code == 413
    problem(response)


def test_the_list_filters_by_status_and_shows_only_the_own_organisation(world, key):
    ingediend = submitted(world.user)
    concept = services.create_draft(world.user, "regulier", data())
    submitted(world.other_user)
    client = Client()
    body = json.loads(client.get(URL, **auth(key)).content)
    assert body["aantal"] == 2
    assert sorted(r["id"] for r in body["resultaten"]) == sorted([ingediend.pk, concept.pk])
    body = json.loads(client.get(URL, {"status": "ingediend"}, **auth(key)).content)
    assert [r["id"] for r in body["resultaten"]] == [ingediend.pk]
    assert "bsn" not in body["resultaten"][0]
    response = client.get(URL, {"status": "klaar"}, **auth(key))
    assert response.status_code == 400
    assert problem(response)["errors"][0]["parameter"] == "status"
    assert client.get(URL, {"pagina": "0"}, **auth(key)).status_code == 400


def test_one_application_with_its_history_is_logged_as_opened(world, key):
    aanvraag = services.confirm_receipt(world.operator, submitted(world.user), "Dank")
    response = Client().get(f"{URL}/{aanvraag.pk}", **auth(key))
    assert response.status_code == 200
    body = json.loads(response.content)
    assert [h["naar"] for h in body["historie"]] == ["ingediend", "ontvangen"]
    assert body["historie"][1]["opmerking"] == "Dank"
    event = AuditEvent.objects.get(action="aanvragen.opened")
    assert event.actor_kind == "api" and event.actor_username == "Zorgsysteem"
    assert event.details["client"] == aanvraag.bsn_hash


def test_another_organisations_application_is_a_404(world, key):
    foreign = submitted(world.other_user)
    response = Client().get(f"{URL}/{foreign.pk}", **auth(key))
    assert response.status_code == 404
    problem(response)
    assert not AuditEvent.objects.filter(action="aanvragen.opened").exists()


def test_a_key_of_another_product_gets_403(world):
    _c, key = make_credential(zorgaanbieder("Twee", products=["wlz-aanvragen", "iwmo"]), "iwmo")
    assert Client().get(URL, **auth(key)).status_code == 403


def test_the_status_list_matches_the_documented_statuses():
    assert {s for s, _label in Status.choices} >= {"concept", "ingediend", "besluit"}
    assert uploads_for("regulier")
