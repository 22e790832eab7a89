"""The operator command line, exactly in the forms the issue names (operators script against it)."""

import pytest

from knooppunt.accounts.models import Status, User
from knooppunt.audit.models import AuditEvent
from knooppunt.organisations.models import Organisation
from knooppunt.testing.commands import run_command

pytestmark = pytest.mark.django_db


run = run_command


def test_create_organisation_prints_its_id_last():
    code, out, _err = run(
        "create_organisation",
        "--type",
        "gemeente",
        "--naam",
        "Gemeente Proefstad",
        "--gemeentecode",
        "0344",
        "--kvk",
        "12345678",
        "--woonplaats",
        "Proefstad",
        "--domain",
        "proefstad.nl",
        "--domain",
        "Proefstad.EXAMPLE",
        "--product",
        "iwmo",
        "--product",
        "ijw",
        "--profile",
        "volledig",
        "--agreements-signed",
    )
    assert code == 0
    organisation = Organisation.objects.get(pk=int(out.strip().splitlines()[-1]))
    assert organisation.naam == "Gemeente Proefstad"
    assert organisation.profile == "volledig"
    assert sorted(organisation.domain_list()) == ["proefstad.example", "proefstad.nl"]
    assert sorted(organisation.products.values_list("code", flat=True)) == ["ijw", "iwmo"]
    assert organisation.missing_agreements() == []
    assert AuditEvent.objects.filter(
        action="organisation.create", object_id=str(organisation.pk)
    ).exists()


def test_create_organisation_without_agreements_is_gated():
    code, out, _err = run(
        "create_organisation", "--type", "zorgaanbieder", "--naam", "Zorg B.V.", "--agb", "73730009"
    )
    organisation = Organisation.objects.get(pk=int(out.strip().splitlines()[-1]))
    assert [k.naam for k in organisation.missing_agreements()] == [
        "Aansluitovereenkomst",
        "Verwerkersovereenkomst",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agb", "1234"], "--agb: Een AGB-code bestaat uit 8 cijfers"),
        (["--kvk", "1234567x"], "--kvk: Een KvK-nummer bestaat uit 8 cijfers"),
        (["--gemeentecode", "12"], "--gemeentecode: Een gemeentecode bestaat uit 4 cijfers"),
        (["--domain", "geen domein"], "geen geldig e-maildomein"),
    ],
)
def test_create_organisation_bad_input_exits_2_and_writes_nothing(args, message):
    before = Organisation.objects.count()
    code, out, err = run("create_organisation", "--type", "gemeente", "--naam", "Fout", *args)
    assert code == 2
    assert message in err
    assert Organisation.objects.count() == before
    assert not AuditEvent.objects.filter(action="organisation.create").exists()


def test_create_organisation_unknown_type_exits_2():
    """Argument errors come from argparse; from the shell they exit with 2 as well."""
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "knooppunt.manage",
            "create_organisation",
            "--type",
            "bakkerij",
            "--naam",
            "X",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "knooppunt.conf.test"},
    )
    assert result.returncode == 2
    assert "invalid choice: 'bakkerij'" in result.stderr


@pytest.fixture
def organisation_id():
    _code, out, _err = run(
        "create_organisation",
        "--type",
        "zorgaanbieder",
        "--naam",
        "Zorg C",
        "--domain",
        "zorgc.nl",
        "--agreements-signed",
    )
    return out.strip().splitlines()[-1]


def test_appoint_admin_invites_and_prints_login(organisation_id, mail_outbox, settings):
    code, out, _err = run(
        "appoint_admin",
        "--organisation",
        organisation_id,
        "--voorletters",
        "P.",
        "--voornaam",
        "Piet",
        "--achternaam",
        "Test",
        "--email",
        "piet@zorgc.nl",
        "--telefoonnummer",
        "06-12345678",
    )
    assert code == 0
    login = out.strip().splitlines()[-1]
    assert login == "ptest"
    user = User.objects.get(username=login)
    assert user.is_administrator and user.status == Status.INVITED
    assert user.telefoonnummer == "+31612345678"
    assert not user.has_usable_password()
    [mail] = mail_outbox.to("piet@zorgc.nl")
    body = mail.body
    assert "ptest" in body
    assert settings.KNOOPPUNT_BASE_URL + "/wachtwoord/instellen/" in body
    assert "8 uur" in body
    assert settings.KNOOPPUNT_BASE_URL + "/" in body


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("info@zorgc.nl", "Algemene adressen"),
        ("piet@elders.nl", "binnen het domein"),
        ("geen-adres", "geldig e-mailadres"),
    ],
)
def test_appoint_admin_bad_email_exits_2_and_writes_nothing(
    organisation_id, email, message, mail_outbox
):
    code, _out, err = run(
        "appoint_admin",
        "--organisation",
        organisation_id,
        "--voorletters",
        "P",
        "--voornaam",
        "Piet",
        "--achternaam",
        "Test",
        "--email",
        email,
    )
    assert code == 2
    assert message in err
    assert not User.objects.exists()
    assert mail_outbox.messages() == []


def test_appoint_admin_unknown_organisation_exits_2():
    code, _out, err = run(
        "appoint_admin",
        "--organisation",
        "424242",
        "--voorletters",
        "P",
        "--voornaam",
        "Piet",
        "--achternaam",
        "Test",
        "--email",
        "p@x.nl",
    )
    assert code == 2
    assert "bestaat niet" in err


def test_appoint_admin_bad_phone_exits_2(organisation_id):
    code, _out, err = run(
        "appoint_admin",
        "--organisation",
        organisation_id,
        "--voorletters",
        "P",
        "--voornaam",
        "Piet",
        "--achternaam",
        "Test",
        "--email",
        "p@zorgc.nl",
        "--telefoonnummer",
        "020-1234567",
    )
    assert code == 2
    assert "--telefoonnummer" in err


def test_seed_demo_is_idempotent_and_prints_logins():
    _code, first, _err = run("seed_demo")
    counts = (Organisation.objects.count(), User.objects.count())
    _code, second, _err = run("seed_demo")
    assert (Organisation.objects.count(), User.objects.count()) == counts
    assert first == second
    for login in ("sservicedesk", "ajansen", "ptest", "mbakker", "lvisser"):
        assert login in first
    gated = Organisation.objects.get(naam="Thuiszorg Het Anker")
    assert len(gated.missing_agreements()) == 1
    assert User.objects.exclude(telefoonnummer="").count() >= 3
