"""The organisation's first administrator (BIDN 2.2, SPEC 3): appointed by the operator with a
name and an e-mail address, registered through eHerkenning, and verified with the code the
servicedesk reads in the operator console."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from knooppunt.accounts.models import Status, User
from knooppunt.eherkenning.models import CodeRecipient, Registration
from knooppunt.testing.commands import run_command
from knooppunt.testing.factories import OperatorUserFactory

from .conftest import broker_login

pytestmark = pytest.mark.django_db


def last_line(*args) -> str:
    code, out, _err = run_command(*args)
    assert code == 0, out
    return out.strip().splitlines()[-1]


def test_appointed_administrator_registers_and_gets_the_code_from_the_console(
    client, eherkenning_broker, broker, mail_outbox
):
    organisation_id = last_line(
        "create_organisation",
        "--type", "gemeente",
        "--naam", "Gemeente Nieuwdorp",
        "--kvk", "24681357",
        "--domain", "nieuwdorp.nl",
        "--product", "iwmo",
        "--agreements-signed",
    )  # fmt: skip
    login = last_line(
        "appoint_admin",
        "--organisation", organisation_id,
        "--voorletters", "E",
        "--voornaam", "Eva",
        "--achternaam", "de Vries",
        "--email", "eva.devries@nieuwdorp.nl",
    )  # fmt: skip
    invitation_link = mail_outbox.last_link("eva.devries@nieuwdorp.nl")

    response = broker_login(client, eherkenning_broker, broker, kvk="24681357", pseudo_id="p-eva")
    assert response["Location"] == reverse("eherkenning:register")
    response = client.post(
        reverse("eherkenning:register"),
        {
            "voorletters": "E.M.",
            "voornaam": "Eva",
            "tussenvoegsel": "de",
            "achternaam": "Vries",
            "email": "Eva.deVries@nieuwdorp.nl",
            "telefoonnummer": "",
        },
    )
    assert response["Location"] == reverse("eherkenning:verify")
    # The appointed account is the one registered: same login name, still an administrator.
    user = User.objects.get(username=login)
    assert User.objects.filter(organisation_id=organisation_id).count() == 1
    assert user.status == Status.PENDING and user.is_administrator
    assert (user.voorletters, user.tussenvoegsel, user.achternaam) == ("E.M.", "de", "Vries")
    registration = Registration.objects.get(user=user)
    assert registration.code_via == CodeRecipient.OPERATOR
    assert registration.appointed_administrator
    assert not user.self_registered  # not on an administrator's tab: the operator handles it
    page = client.get(reverse("eherkenning:verify")).content.decode()
    assert "Deze code krijgt u van de servicedesk." in page
    # The invitation's password link can no longer bypass the verification.
    assert client.get(invitation_link).status_code == 410

    operator = Client()
    operator.force_login(OperatorUserFactory())
    console = operator.get(
        reverse("operator:eherkenning_registration_changelist") + f"?q={login}"
    ).content.decode()
    code = re.search(r'<strong class="verificatiecode">(\w+)</strong>', console).group(1)
    assert code == user.verification_code

    response = client.post(reverse("eherkenning:verify"), {"code": code})
    assert response["Location"] == reverse("core:welcome")
    user.refresh_from_db()
    assert user.status == Status.ACTIVE
    assert user.verified_at is not None and user.approved_at == user.verified_at
    welcome = client.get(reverse("core:welcome")).content.decode()
    assert "Gebruikersbeheer" in welcome
    assert "Er wachten geen gebruikers op goedkeuring." in welcome


def test_ordinary_registration_code_is_not_shown_in_the_console(
    client, eherkenning_broker, broker, organisation, administrator
):
    from .conftest import PERSONAL

    broker_login(client, eherkenning_broker, broker, pseudo_id="p-jan")
    client.post(reverse("eherkenning:register"), PERSONAL)
    user = User.objects.get(email=PERSONAL["email"])
    operator = Client()
    operator.force_login(OperatorUserFactory())
    console = operator.get(reverse("operator:eherkenning_registration_changelist")).content.decode()
    assert user.username in console
    assert "via de gebruikersbeheerder" in console
    assert user.verification_code not in console


def test_matching_is_by_address_within_the_organisation_only(
    client, eherkenning_broker, broker, organisation
):
    """An administrator appointed elsewhere with the same address is not claimed."""
    from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory

    elsewhere = OrganisationFactory(domains=["proefstad.nl"])
    AdministratorFactory(
        organisation=elsewhere, status=Status.INVITED, email="jan.jansen@proefstad.nl"
    )
    from .conftest import PERSONAL

    broker_login(client, eherkenning_broker, broker, pseudo_id="p-jan")
    response = client.post(reverse("eherkenning:register"), PERSONAL)
    assert response.status_code == 200
    assert "Dit e-mailadres is al in gebruik." in response.content.decode()
