"""`knooppunt add_broker`, exactly in the form the operators script against."""

import os
import subprocess
import sys

import pytest

from knooppunt.audit.models import AuditEvent
from knooppunt.eherkenning.models import Broker
from knooppunt.testing.commands import run_command

pytestmark = pytest.mark.django_db


run = run_command


ARGS = [
    "--naam", "Makelaar Noord",
    "--issuer", "https://makelaar.example/.well-known/openid-configuration",
    "--client-id", "knooppunt",
    "--client-secret", "geheim",
]  # fmt: skip


def test_add_broker_prints_its_id_last():
    code, out, _err = run("add_broker", *ARGS)
    assert code == 0
    broker = Broker.objects.get(pk=int(out.strip().splitlines()[-1]))
    assert broker.naam == "Makelaar Noord"
    assert broker.issuer == "https://makelaar.example"
    assert (broker.client_id, broker.client_secret, broker.active) == ("knooppunt", "geheim", True)
    event = AuditEvent.objects.get(action="eherkenning.broker_create")
    assert event.object_id == str(broker.pk) and "geheim" not in str(event.details)
    assert "geheim" not in out


def test_add_broker_inactive():
    code, out, _err = run("add_broker", *ARGS, "--inactief")
    assert code == 0
    assert Broker.objects.get(pk=int(out.strip().splitlines()[-1])).active is False


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"--issuer": "ftp://makelaar.example"}, "--issuer: Vul het adres van de makelaar in"),
        ({"--issuer": "http://makelaar.example"}, "--issuer: Gebruik een https-adres"),
        ({"--naam": " "}, "--naam: "),
        ({"--client-id": ""}, "--client-id: "),
        ({"--client-secret": ""}, "--client-secret: "),
    ],
)
def test_add_broker_bad_input_exits_2_and_writes_nothing(changes, message):
    args = list(ARGS)
    for option, value in changes.items():
        args[args.index(option) + 1] = value
    code, _out, err = run("add_broker", *args)
    assert code == 2
    assert err.startswith("Fout: ") and message in err
    assert not Broker.objects.exists()
    assert not AuditEvent.objects.filter(action="eherkenning.broker_create").exists()


def test_add_broker_with_the_brokers_claim_names():
    code, out, _err = run(
        "add_broker",
        *ARGS,
        "--kvk-claim", "urn:etoegang:core:LegalSubjectID",
        "--pseudoniem-claim", "urn:etoegang:core:ActingSubjectID",
    )  # fmt: skip
    assert code == 0
    broker = Broker.objects.get(pk=int(out.strip().splitlines()[-1]))
    assert broker.claim_names == {
        "kvk": "urn:etoegang:core:LegalSubjectID",
        "vestigingsnummer": "vestigingsnummer",
        "pseudo_id": "urn:etoegang:core:ActingSubjectID",
    }
    event = AuditEvent.objects.get(action="eherkenning.broker_create")
    assert event.details["claims"] == broker.claim_names

    args = list(ARGS)
    args[args.index("--naam") + 1] = "Tweede"
    code, _out, err = run("add_broker", *args, "--kvk-claim", "iss")
    assert code == 2
    assert err.startswith("Fout: --kvk-claim: iss is een vaste claim van OpenID Connect")
    assert Broker.objects.count() == 1


def test_add_broker_twice_with_the_same_name_exits_2():
    assert run("add_broker", *ARGS)[0] == 0
    args = list(ARGS)
    args[args.index("--client-id") + 1] = "ander"
    code, _out, err = run("add_broker", *args)
    assert code == 2
    assert "--naam: Er is al een eHerkenningmakelaar met deze naam." in err
    assert Broker.objects.count() == 1


def test_add_broker_missing_option_exits_2():
    result = subprocess.run(
        [sys.executable, "-m", "knooppunt.manage", "add_broker", "--naam", "X"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "knooppunt.conf.test"},
    )
    assert result.returncode == 2
    assert "--issuer" in result.stderr
