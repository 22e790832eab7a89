"""POST /api/v1/wlz-registertoets/raadplegingen: the same Ja/Nee as the screen, logged the same
way (channel webservice, the credential as who), bad input as problem details, the key of the
organisation's Wlz-Registertoets product only."""

import json

import pytest

from knooppunt.registertoets import bsn
from knooppunt.registertoets.models import Raadpleging
from knooppunt.testing.api import ApiAccessContract, auth, make_credential, problem

from .conftest import row

pytestmark = pytest.mark.django_db
URL = "/api/v1/wlz-registertoets/raadplegingen"


@pytest.fixture
def key(gemeente):
    _credential, value = make_credential(gemeente, "wlz-registertoets", name="Zorgadministratie")
    return value


def ask(client, key, **data):
    body = {"bsn": "111222333", "geboortedatum": "1938-04-12", "reden": "samenloop-wmo"}
    body.update(data)
    return client.post(URL, data=json.dumps(body), content_type="application/json", **auth(key))


def test_ja_with_the_indications_and_the_lookup_logged(client, key, register, gemeente):
    register(row(zzp="754", afgifte="2024-02-15", ingang="2024-03-01"))
    response = ask(client, key, peildatum="2026-06-01")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "wlz_indicatie": "ja",
        "peildatum": "2026-06-01",
        "indicaties": [
            {
                "zorgprofielen": [
                    {
                        "code": "754",
                        "omschrijving": "5VV: Beschermd wonen met intensieve dementiezorg",
                    }
                ],
                "ingangsdatum": "2024-03-01",
                "einddatum": None,
                "afgiftedatum": "2024-02-15",
            }
        ],
    }
    entry = Raadpleging.objects.get()
    assert (entry.kanaal, entry.actor_kind, entry.actor_username) == (
        "webservice",
        "api",
        "Zorgadministratie",
    )
    assert entry.organisation_id == gemeente.pk and entry.organisation_naam == gemeente.naam
    assert entry.bsn_hash == bsn.keyed_hash("111222333") and entry.uitkomst == "ja"


def test_nee_is_the_same_for_every_reason(client, key, register):
    register(row(negatief="1"))
    answers = [
        ask(client, key).json(),  # only a negative decision
        ask(client, key, geboortedatum="1938-04-13").json(),  # the wrong date of birth
        ask(client, key, bsn="999999990").json(),  # unknown
    ]
    assert answers[0]["wlz_indicatie"] == "nee" and answers[0]["indicaties"] == []
    assert answers[0] == answers[1] == answers[2]
    assert Raadpleging.objects.count() == 3


def _counts(monkeypatch) -> list[tuple[int, bool]]:
    """Each count of a call on the credential's rate counter: (lookups logged by then, whether
    it ran inside a service's transaction)."""
    from knooppunt.api import ratelimit
    from knooppunt.core import doors

    seen: list[tuple[int, bool]] = []
    hit = ratelimit.DatabaseStore.hit

    def counting(self, key, *args, **kwargs):
        if key.endswith(":default"):
            seen.append((Raadpleging.objects.count(), doors.in_service()))
        return hit(self, key, *args, **kwargs)

    monkeypatch.setattr(ratelimit.DatabaseStore, "hit", counting)
    return seen


def test_a_lookup_counts_against_the_rate_limit_in_its_own_transaction(
    client, key, register, monkeypatch
):
    register(row())
    counts = _counts(monkeypatch)
    assert ask(client, key).status_code == 200
    # After the log row, before the commit: one write transaction per lookup.
    assert counts == [(1, True)]
    assert ask(client, key, bsn="123456789").status_code == 422  # refused: counted all the same
    assert counts[1:] == [(1, True)]  # with the call's own audit event
    assert Raadpleging.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "status", "pointer", "message"),
    [
        ({"bsn": "123456789"}, 422, "#/bsn", "11-proef"),
        ({"bsn": "12345"}, 422, "#/bsn", "9 cijfers"),
        ({"geboortedatum": "2999-01-01"}, 422, "#/geboortedatum", "toekomst"),
        ({"geboortedatum": "1850-01-01"}, 422, "#/geboortedatum", "1900"),
        ({"geboortedatum": "12-04-1938"}, 400, "#/geboortedatum", ""),
        ({"reden": "nieuwsgierig"}, 400, "#/reden", ""),
        ({"reden": None}, 400, "#/reden", ""),
    ],
)
def test_bad_input_is_a_problem_and_no_lookup(client, key, data, status, pointer, message):
    response = ask(client, key, **data)
    assert response.status_code == status
    body = problem(response)
    assert any(e.get("pointer") == pointer and message in e["detail"] for e in body["errors"]), body
    assert not Raadpleging.objects.exists()


def test_a_key_of_another_product_is_refused(client, gemeente):
    _c, iwmo_key = make_credential(gemeente, "iwmo")
    response = ask(client, iwmo_key)
    assert response.status_code == 403
    problem(response)
    assert not Raadpleging.objects.exists()


class TestRegistertoetsEndpoint(ApiAccessContract):
    product = "wlz-registertoets"


def test_schemathesis_finds_nothing_with_a_registertoets_key(
    live_server, live_db, settings, tmp_path
):
    """The suite's schemathesis run uses an iWmo key, which this endpoint refuses; here a key
    of the product itself, against a small register, so that the lookup is exercised too."""
    import subprocess
    import sys
    from pathlib import Path

    from knooppunt.registertoets import codes
    from knooppunt.registertoets.models import Zorgzwaartepakket
    from knooppunt.testing.factories import OrganisationFactory

    from .conftest import load

    if not Zorgzwaartepakket.objects.exists():
        codes.load()
    settings.KNOOPPUNT_API_RATE_LIMIT = 1_000_000
    load(row())
    organisation = OrganisationFactory(products=["wlz-registertoets"])
    _c, key = make_credential(organisation, "wlz-registertoets")
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{live_server.url}/api/v1/schema/",
        "--include-operation-id",
        "wlz_registertoets_raadplegen",
        "--checks",
        "all",
        # The 11-proef and the dates' range are rules no OpenAPI schema can state: a
        # schema-valid BSN may still fail them, and must (422, never a "nee").
        "--exclude-checks",
        "positive_data_acceptance",
        "--seed",
        "20261201",
        "--max-examples",
        "40",
        "--generation-database",
        "none",
        "--header",
        f"Authorization: Bearer {key}",
        "--request-timeout",
        "20",
        "--no-color",
        "--warnings",
        "off",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert "No issues found" in output, output[-3000:]
