"""Berichtenverkeer through the webservice (issue 15, item 9): offering, listing, fetching and
acknowledging with a credential, the same services and rules as the screens, and the access
contract over every endpoint."""

import datetime
import io
import json
import zipfile

import pytest
from django.test import Client

from knooppunt.access.principals import DEMO
from knooppunt.audit.models import AuditEvent
from knooppunt.exchange import samples, services
from knooppunt.exchange.models import Message, Refusal, Status
from knooppunt.organisations.models import OrganisationType
from knooppunt.testing.api import ApiAccessContract, auth, make_credential, problem
from knooppunt.testing.factories import OrganisationFactory

from .conftest import AANBIEDER, GEMEENTE, jw301, new_id, wmo301

pytestmark = pytest.mark.django_db
XML = "application/xml"


class Koppelingen:
    """The world's organisations with an iJw and an iWmo credential each."""

    def __init__(self, world):
        self.world = world
        self.keys = {
            (who, product): make_credential(organisation, product)[1]
            for who, organisation in (("gemeente", world.gemeente), ("aanbieder", world.aanbieder))
            for product in ("ijw", "iwmo")
        }

    def client(self, who: str, product: str = "ijw") -> "ApiClient":
        return ApiClient(self.keys[(who, product)])


class ApiClient:
    def __init__(self, key: str):
        self.client, self.headers = Client(), auth(key)

    def get(self, url: str, **params):
        return self.client.get(url, params, **self.headers)

    def offer(self, data: bytes, content_type: str = XML, **params):
        url = "/api/v1/berichten"
        if params:
            url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
        # CONTENT_TYPE also for an empty body (the test client leaves it out then; curl does not).
        return self.client.generic(
            "POST", url, data, content_type=content_type, CONTENT_TYPE=content_type, **self.headers
        )

    def offer_multipart(self, data: bytes, name: str = "bericht.xml"):
        upload = io.BytesIO(data)
        upload.name = name
        return self.client.post("/api/v1/berichten", {"bestand": upload}, **self.headers)

    def post(self, url: str):
        return self.client.post(url, **self.headers)


@pytest.fixture
def koppelingen(world):
    return Koppelingen(world)


def _json(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:2000])
    return json.loads(response.content)


# --- offering ----------------------------------------------------------------------------------


def test_an_accepted_message_answers_201_with_id_status_and_links(koppelingen):
    data = jw301("API1")
    response = koppelingen.client("gemeente").offer(data)
    body = _json(response, 201)
    message = Message.objects.get()
    assert body["id"] == message.pk and body["status"] == "aangeboden"
    assert body["identificatie"] == "API1" and body["berichttype"] == "JW301"
    assert body["grootte"] == len(data) and body["sha256"] == message.sha256
    assert body["links"]["zelf"] == f"http://testserver/api/v1/berichten/{message.pk}"
    assert body["links"]["inhoud"].endswith(f"/api/v1/berichten/{message.pk}/inhoud")
    assert "ontvangstbevestiging" not in body["links"]  # the sender does not acknowledge
    assert response["Location"] == body["links"]["zelf"]
    assert message.channel == "webservice" and message.uploaded_by is None
    assert message.uploaded_by_name == "Koppeling ijw"
    assert [h["status"] for h in body["statushistorie"]] == ["ontvangen", "aangeboden"]
    event = AuditEvent.objects.get(action="exchange.upload")
    assert event.actor_kind == "api" and event.details["kanaal"] == "webservice"
    assert event.trace_id


def test_multipart_with_the_field_bestand(koppelingen):
    response = koppelingen.client("gemeente").offer_multipart(jw301("API2"), "toewijzing.xml")
    body = _json(response, 201)
    assert body["bestandsnaam"] == "toewijzing.xml"
    assert Message.objects.get().identificatie == "API2"


def test_a_refused_message_answers_422_with_the_rule_list(koppelingen):
    client = koppelingen.client("gemeente")
    _json(client.offer(jw301("DUP1")), 201)
    response = client.offer(jw301("DUP1"), bestandsnaam="nogmaals.xml")
    body = problem(response)
    assert response.status_code == 422
    assert body["type"] == "urn:knooppunt:probleem:bericht-afgekeurd"
    assert body["bestand"] == "nogmaals.xml"
    [finding] = body["bevindingen"]
    assert (finding["code"], finding["retourcode"]) == ("TR056", "9056")
    assert finding["tekst"] and finding["stap"] == "dubbel"
    assert body["errors"] == [{"detail": finding["tekst"], "code": "TR056"}]
    assert Message.objects.count() == 1
    refusal = Refusal.objects.get()
    assert refusal.channel == "webservice" and refusal.findings == body["bevindingen"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"geen xml", "KP003"),
        (b"", "KP001"),
        ("<?xml version='1.0' encoding='UTF-16'?><a/>".encode("utf-16"), None),
    ],
)
def test_bad_input_is_a_422_rule_list_and_stores_no_message(koppelingen, data, code):
    body = problem(koppelingen.client("gemeente").offer(data))
    assert body["status"] == 422 and body["bevindingen"]
    if code:
        assert body["bevindingen"][0]["code"] == code
    assert not Message.objects.exists()


def test_a_filename_with_folders_is_refused(koppelingen):
    body = problem(koppelingen.client("gemeente").offer(jw301(), bestandsnaam="..%2Fx.xml"))
    assert [f["code"] for f in body["bevindingen"]] == ["KP023"]


def test_a_wrong_products_message_is_refused(koppelingen):
    body = problem(koppelingen.client("gemeente", "iwmo").offer(jw301()))
    assert body["status"] == 422 and not Message.objects.exists()


def test_a_zip_is_refused_through_the_webservice_one_message_per_call(koppelingen):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", jw301())
    for response in (
        koppelingen.client("gemeente").offer(buffer.getvalue()),
        koppelingen.client("gemeente").offer_multipart(buffer.getvalue(), "b.zip"),
    ):
        body = problem(response)
        assert body["status"] == 422 and [f["code"] for f in body["bevindingen"]] == ["KP024"]
    assert not Message.objects.exists()
    assert Refusal.objects.count() == 2  # in "Afgekeurd", as any refused file


def test_json_is_not_a_message(koppelingen):
    response = koppelingen.client("gemeente").offer(b"{}", content_type="application/json")
    assert response.status_code == 415
    problem(response)


def test_multipart_without_the_file_is_a_400(koppelingen):
    client = koppelingen.client("gemeente")
    response = client.client.post("/api/v1/berichten", {"iets": "anders"}, **client.headers)
    assert response.status_code == 400
    assert problem(response)["errors"][0]["pointer"] == "#/bestand"


def test_the_body_limit_is_the_exchanges_not_the_apis(koppelingen, settings):
    # A declaratie of 1.5 MB: over the API's default of 1 MiB, well under 25 MB.
    data = samples.declaratie(
        afzender=AANBIEDER, ontvanger=GEMEENTE, identificatie=new_id(), size=1_500_000
    )
    assert len(data) > settings.KNOOPPUNT_API_MAX_BODY_BYTES
    body = _json(koppelingen.client("aanbieder").offer(data), 201)
    assert body["berichttype"] == "JW323" and body["grootte"] == len(data)


def test_a_body_over_the_exchanges_limit_is_413_before_it_is_read(koppelingen, settings):
    settings.KNOOPPUNT_EXCHANGE_MAX_FILE_BYTES = 1000
    client = koppelingen.client("gemeente")
    response = client.offer(b"x" * (1000 + 64 * 1024 + 1))
    assert response.status_code == 413 and problem(response)["type"].endswith("verzoek-te-groot")
    # Over the file limit but within the envelope's room: the size check's own finding.
    body = problem(client.offer(b"<a>" + b"x" * 2000 + b"</a>"))
    assert body["status"] == 422 and body["bevindingen"][0]["code"] == "KP001"
    assert not Refusal.objects.filter(findings__0__code="KP003").exists()


# --- listing -----------------------------------------------------------------------------------


def _offered(world, n: int, product: str = "ijw") -> list[Message]:
    build = jw301 if product == "ijw" else wmo301
    return [
        services.offer(DEMO, world.gemeente, product, f"{i}.xml", build())[0].message
        for i in range(n)
    ]


def test_the_ready_list_is_oldest_first_and_pages_with_na(koppelingen, world):
    messages = _offered(world, 5)
    services.download(world.a_user, [messages[1]])  # opgehaald: no longer ready
    client = koppelingen.client("aanbieder")
    body = _json(
        client.get("/api/v1/berichten", richting="ontvangen", status="aangeboden", limit=2)
    )
    ready = [m.pk for m in messages if m.pk != messages[1].pk]
    assert [b["id"] for b in body["berichten"]] == ready[:2]
    assert body["volgende"].startswith("http://testserver/api/v1/berichten?")
    following = _json(client.client.get(body["volgende"], **client.headers))
    assert [b["id"] for b in following["berichten"]] == ready[2:]
    assert following["volgende"] is None
    item = body["berichten"][0]
    assert item["afzender"] == {"code": GEMEENTE, "naam": "Gemeente Voorbeeld"}
    assert item["ontvanger"] == {"code": AANBIEDER, "naam": "Zorg Aanbieder"}
    assert item["links"]["ontvangstbevestiging"].endswith(f"/{item['id']}/ontvangstbevestiging")


def test_without_status_every_status_and_verzonden_is_the_senders(koppelingen, world):
    messages = _offered(world, 3)
    services.download(world.a_user, [messages[0]])
    received = _json(koppelingen.client("aanbieder").get("/api/v1/berichten"))
    assert [b["status"] for b in received["berichten"]] == ["opgehaald", "aangeboden", "aangeboden"]
    gemeente = koppelingen.client("gemeente")
    assert _json(gemeente.get("/api/v1/berichten"))["berichten"] == []
    sent = _json(gemeente.get("/api/v1/berichten", richting="verzonden", status="opgehaald"))
    assert [b["id"] for b in sent["berichten"]] == [messages[0].pk]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"limit": "veel"}, "limit"),
        ({"richting": "beide"}, "richting"),
        ({"status": "weg"}, "status"),
        ({"na": -1}, "na"),
        ({"na": 10**19}, "na"),
    ],
)
def test_bad_list_parameters_are_a_400_naming_the_parameter(koppelingen, params, name):
    response = koppelingen.client("aanbieder").get("/api/v1/berichten", **params)
    assert response.status_code == 400
    assert problem(response)["errors"][0]["parameter"] == name


def test_an_iwmo_credential_never_sees_ijw_messages(koppelingen, world):
    [jw] = _offered(world, 1, "ijw")
    [wmo] = _offered(world, 1, "iwmo")
    iwmo = koppelingen.client("aanbieder", "iwmo")
    listed = _json(iwmo.get("/api/v1/berichten"))["berichten"]
    assert [b["id"] for b in listed] == [wmo.pk]
    for url in (f"/api/v1/berichten/{jw.pk}", f"/api/v1/berichten/{jw.pk}/inhoud"):
        assert iwmo.get(url).status_code == 404
    assert iwmo.post(f"/api/v1/berichten/{jw.pk}/ontvangstbevestiging").status_code == 404
    assert Message.objects.get(pk=jw.pk).status == Status.AANGEBODEN
    ijw = koppelingen.client("aanbieder", "ijw")
    assert [b["id"] for b in _json(ijw.get("/api/v1/berichten"))["berichten"]] == [jw.pk]


def test_a_credential_of_another_product_gets_403(world):
    _c, key = make_credential(world.aanbieder, "wlz-registertoets")
    response = ApiClient(key).get("/api/v1/berichten")
    assert response.status_code == 403
    problem(response)


# --- one message, its payload and the acknowledgement ----------------------------------------


def test_the_receivers_first_fetch_sets_opgehaald_and_each_is_audited(koppelingen, world):
    [message] = _offered(world, 1)
    data = Message.objects.get(pk=message.pk)
    sender, receiver = koppelingen.client("gemeente"), koppelingen.client("aanbieder")
    url = f"/api/v1/berichten/{message.pk}/inhoud"
    response = sender.get(url)
    assert response.status_code == 200
    assert Message.objects.get(pk=message.pk).status == Status.AANGEBODEN  # the sender's fetch
    response = receiver.get(url)
    assert response.status_code == 200 and response["Content-Type"] == XML
    assert b"".join(response.streaming_content) == services.payloads.read(data.payload)
    message.refresh_from_db()
    assert message.status == Status.OPGEHAALD and message.retrieved_by_name == "Koppeling ijw"
    receiver.get(url, HTTP_ACCEPT=XML)
    downloads = AuditEvent.objects.filter(action="exchange.download", object_id=str(message.pk))
    assert [e.details["eerste_keer"] for e in downloads.order_by("id")] == [False, True, False]
    assert {e.actor_kind for e in downloads} == {"api"}


def test_a_head_request_does_not_fetch_the_payload(koppelingen, world):
    [message] = _offered(world, 1)
    receiver = koppelingen.client("aanbieder")
    response = receiver.client.head(f"/api/v1/berichten/{message.pk}/inhoud", **receiver.headers)
    assert response.status_code == 405
    assert Message.objects.get(pk=message.pk).status == Status.AANGEBODEN
    assert not AuditEvent.objects.filter(action="exchange.download").exists()


def test_an_xml_accept_header_gets_the_payload_and_problems_stay_json(koppelingen, world):
    [message] = _offered(world, 1)
    receiver = koppelingen.client("aanbieder")
    ok = receiver.client.get(
        f"/api/v1/berichten/{message.pk}/inhoud", HTTP_ACCEPT=XML, **receiver.headers
    )
    assert ok.status_code == 200
    missing = receiver.client.get(
        "/api/v1/berichten/999999/inhoud", HTTP_ACCEPT=XML, **receiver.headers
    )
    assert missing.status_code == 404
    problem(missing)


def test_a_removed_payload_is_410(koppelingen, world):
    [message] = _offered(world, 1)
    Message.objects.filter(pk=message.pk).update(
        payload="", payload_removed_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    )
    response = koppelingen.client("aanbieder").get(f"/api/v1/berichten/{message.pk}/inhoud")
    assert response.status_code == 410
    assert problem(response)["type"].endswith("inhoud-verwijderd")
    body = _json(koppelingen.client("aanbieder").get(f"/api/v1/berichten/{message.pk}"))
    assert body["inhoud_beschikbaar"] is False and body["inhoud_verwijderd_op"]


def test_the_acknowledgement_marks_opgehaald_once_and_only_for_the_receiver(koppelingen, world):
    [message] = _offered(world, 1)
    url = f"/api/v1/berichten/{message.pk}/ontvangstbevestiging"
    response = koppelingen.client("gemeente").post(url)
    assert response.status_code == 403 and "ontvanger" in problem(response)["detail"]
    body = _json(koppelingen.client("aanbieder").post(url))
    assert body["status"] == "opgehaald" and body["opgehaald_door"] == "Koppeling ijw"
    assert [h["status"] for h in body["statushistorie"]] == ["ontvangen", "aangeboden", "opgehaald"]
    again = _json(koppelingen.client("aanbieder").post(url))
    assert again["statushistorie"] == body["statushistorie"]
    assert AuditEvent.objects.filter(action="exchange.acknowledge").count() == 1


def test_an_absurd_id_is_a_404(koppelingen):
    client = koppelingen.client("aanbieder")
    for url in ("/api/v1/berichten/9999999999999999999", "/api/v1/berichten/abc/inhoud"):
        response = client.get(url)
        assert response.status_code == 404
        problem(response)


# --- the chain of issue 15 through the webservice -----------------------------------------------


DEMO_GEMEENTE, DEMO_AANBIEDER = "9999", "73730001"


@pytest.fixture
def demo_keys(db):
    from knooppunt.operators.demo import seed
    from knooppunt.organisations.models import Organisation

    seed()
    gemeente = Organisation.objects.get(gemeentecode=DEMO_GEMEENTE)
    aanbieder = Organisation.objects.get(agb_code=DEMO_AANBIEDER)
    return {
        (who, product): ApiClient(make_credential(organisation, product)[1])
        for who, organisation in (("gemeente", gemeente), ("aanbieder", aanbieder))
        for product in ("ijw", "iwmo")
    }


def test_the_chain_jw301_download_opgehaald_jw302_linked(demo_keys):
    gemeente, aanbieder = demo_keys[("gemeente", "ijw")], demo_keys[("aanbieder", "ijw")]
    heen = samples.build(
        "JW301",
        afzender=DEMO_GEMEENTE,
        ontvanger=DEMO_AANBIEDER,
        identificatie="APIKETEN301",
        dagtekening=datetime.date(2026, 4, 1),
    )
    offered = _json(gemeente.offer(heen, bestandsnaam="jw301.xml"), 201)

    ready = _json(aanbieder.get("/api/v1/berichten", richting="ontvangen", status="aangeboden"))
    [listed] = [b for b in ready["berichten"] if b["identificatie"] == "APIKETEN301"]
    assert listed["id"] == offered["id"] and listed["afzender"]["code"] == DEMO_GEMEENTE
    response = aanbieder.get(listed["links"]["inhoud"])
    assert b"".join(response.streaming_content) == heen
    acknowledged = _json(aanbieder.post(listed["links"]["ontvangstbevestiging"]))
    assert acknowledged["status"] == "opgehaald"

    seen = _json(gemeente.get(offered["links"]["zelf"]))
    assert seen["status"] == "opgehaald" and seen["opgehaald_op"]
    assert [h["status"] for h in seen["statushistorie"]][-1] == "opgehaald"
    ready = _json(aanbieder.get("/api/v1/berichten", status="aangeboden"))
    assert offered["id"] not in [b["id"] for b in ready["berichten"]]

    retour = samples.build(
        "JW302",
        afzender=DEMO_GEMEENTE,
        ontvanger=DEMO_AANBIEDER,
        identificatie="APIKETEN301",
        dagtekening=datetime.date(2026, 4, 1),
        retour_identificatie="APIKETEN302",
    )
    answered = _json(aanbieder.offer_multipart(retour, "jw302.xml"), 201)
    assert answered["heen_bericht"] == offered["id"] and answered["retour"] is True

    linked = _json(gemeente.get(offered["links"]["zelf"]))
    assert [r["id"] for r in linked["gerelateerd"]] == [answered["id"]]
    assert linked["gerelateerd"][0]["berichttype"] == "JW302"
    inbox = _json(gemeente.get("/api/v1/berichten", status="aangeboden"))
    assert answered["id"] in [b["id"] for b in inbox["berichten"]]


def test_the_chain_wmo301_up_to_the_download(demo_keys):
    gemeente, aanbieder = demo_keys[("gemeente", "iwmo")], demo_keys[("aanbieder", "iwmo")]
    heen = samples.build(
        "WMO301", afzender=DEMO_GEMEENTE, ontvanger=DEMO_AANBIEDER, identificatie="APIWMO301"
    )
    offered = _json(gemeente.offer(heen, content_type="text/xml"), 201)
    assert offered["product"] == "iwmo"
    ready = _json(aanbieder.get("/api/v1/berichten", status="aangeboden"))
    assert offered["id"] in [b["id"] for b in ready["berichten"]]
    assert {b["product"] for b in ready["berichten"]} == {"iwmo"}
    response = aanbieder.get(offered["links"]["inhoud"])
    assert b"".join(response.streaming_content) == heen
    assert _json(gemeente.get(offered["links"]["zelf"]))["status"] == "opgehaald"
    # The iJw credential of the same zorgaanbieder never sees it.
    ijw = demo_keys[("aanbieder", "ijw")]
    assert ijw.get(offered["links"]["zelf"]).status_code == 404


# --- the access contract ---------------------------------------------------------------------


def _contract_world(api_world, product: str):
    organisation = api_world.organisation
    receiver = OrganisationFactory(
        naam="Zorg Contract Webservice",
        type=OrganisationType.ZORGAANBIEDER,
        gemeentecode="",
        agb_code="42429999",
        products=["iwmo", "ijw"],
    )
    build = jw301 if product == "ijw" else wmo301
    identificatie = new_id()
    data = build(identificatie, afzender=organisation.gemeentecode, ontvanger=receiver.agb_code)
    [outcome] = services.offer(DEMO, organisation, product, "contract.xml", data)
    assert outcome.accepted, outcome.findings
    api_world.ids["pk"] = outcome.message.pk
    api_world.markers += [identificatie, receiver.naam]
    api_world.product_markers += [identificatie]
    return api_world


class TestBerichtenEndpointsIjw(ApiAccessContract):
    product = "ijw"

    @pytest.fixture
    def api_world(self, db):
        return _contract_world(ApiAccessContract.api_world.__wrapped__(self, db), "ijw")


class TestBerichtenEndpointsIwmo(ApiAccessContract):
    product = "iwmo"

    @pytest.fixture
    def api_world(self, db):
        return _contract_world(ApiAccessContract.api_world.__wrapped__(self, db), "iwmo")
