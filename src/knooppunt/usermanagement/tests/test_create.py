"""Creating a user (Portero 3.2, SPEC 3): the form, the refusals next to their fields, the
summary with "Verder", the generated login name and the invitation e-mail."""

import re

import pytest
from django.urls import reverse

from knooppunt.accounts.models import Status, User
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import OperatorUserFactory, UserFactory
from knooppunt.testing.html import field_errors, label, summary

pytestmark = pytest.mark.django_db
FIELDS = (
    "voorletters",
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "email",
    "uzi_nummer",
    "telefoonnummer",
    "memo",
)
CREATE = reverse("usermanagement:user_create")
VALID = {
    "voorletters": "P",
    "voornaam": "Piet",
    "tussenvoegsel": "",
    "achternaam": "Test",
    "email": "ptest@voorbeeld.nl",
    "uzi_nummer": "",
    "telefoonnummer": "",
    "memo": "",
}


def test_the_form_has_the_manuals_fields_and_buttons(admin_client, world):
    html = admin_client.get(CREATE).content.decode()
    for text in (
        "voorletters",
        "voornaam",
        "tussenvoegsel",
        "achternaam",
        "email",
        "UZI-nummer",
        "telefoonnummer",
        "memo",
    ):
        assert text in {label(html, f"id_{name}") for name in FIELDS}, text
    assert "Wijzigingen Opslaan" in html and "Annuleren" in html
    assert "Dit is niet het pasnummer" in html
    # The organisation block, read-only: agbcode, naam, woonplaats.
    assert f"Organisatie ({world.organisation.pk})" in html
    assert summary(html, "agbcode:") == "12345678"
    assert summary(html, "woonplaats:") == "Voorbeeldstad"
    assert 'name="agb_code"' not in html


def test_saving_creates_an_invited_user_and_mails_the_invitation(admin_client, world, mail_outbox):
    response = admin_client.post(CREATE, VALID)
    user = User.objects.get(email="ptest@voorbeeld.nl")
    assert response.status_code == 302
    saved = reverse("usermanagement:user_saved", args=[user.pk])
    assert response["Location"] == saved + "?nieuw=1"
    assert user.username == "ptest"
    assert user.status == Status.INVITED
    assert user.organisation == world.organisation
    assert not user.has_usable_password()

    page = admin_client.get(response["Location"]).content.decode()
    assert f"Gebruiker wijzigen ({user.pk})" in page
    assert "De gebruiker is opgeslagen." in page
    assert summary(page, "gebruikersnaam:") == "ptest"
    assert summary(page, "email:") == "ptest@voorbeeld.nl"
    assert re.search(r'href="/gebruikers/[^"]*">Verder</a>', page)
    # The next step is offered: the new user's roles.
    edit = reverse("usermanagement:user_edit", args=[user.pk])
    assert "Volgende stap: rollen toekennen" in page
    assert re.search(rf'href="{edit}#rollen">Rollen toekennen</a>', page)
    # Saving an existing user later says only that it was saved.
    assert "Volgende stap" not in admin_client.get(saved).content.decode()

    [mail] = mail_outbox.to("ptest@voorbeeld.nl")
    assert "ptest" in mail.body
    assert "/wachtwoord/instellen/" in mail_outbox.last_link("ptest@voorbeeld.nl")
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).exists()


def test_a_second_piet_test_gets_the_next_login_name(admin_client, world):
    admin_client.post(CREATE, VALID)
    admin_client.post(CREATE, {**VALID, "email": "piet.test2@voorbeeld.nl"})
    assert User.objects.get(email="piet.test2@voorbeeld.nl").username == "ptest2"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "info@voorbeeld.nl", "Algemene adressen zoals info@ voldoen niet."),
        ("email", "secretariaat@voorbeeld.nl", "Algemene adressen zoals secretariaat@"),
        ("email", "piet@gmail.com", "binnen het domein van uw organisatie vallen (voorbeeld.nl)"),
        ("email", "geen-adres", "Vul een geldig e-mailadres in."),
        ("uzi_nummer", "12345", "Een UZI-nummer bestaat uit 9 cijfers."),
        ("telefoonnummer", "020 1234567", "Vul een mobiel nummer in"),
        ("voornaam", "", "Dit veld is verplicht."),
    ],
)
def test_each_refusal_is_a_dutch_message_next_to_its_field(
    admin_client, world, field, value, message
):
    before = User.objects.count()
    response = admin_client.post(CREATE, {**VALID, field: value})
    assert response.status_code == 200
    errors = field_errors(response.content.decode(), field)
    assert any(message in e for e in errors), errors
    assert User.objects.count() == before


def test_an_address_in_use_is_refused(admin_client, world):
    UserFactory(organisation=world.organisation, email="ptest@voorbeeld.nl")
    response = admin_client.post(CREATE, {**VALID, "email": "PTest@Voorbeeld.nl"})
    assert "Dit e-mailadres is al in gebruik." in field_errors(response.content.decode(), "email")


def test_valid_numbers_are_normalised(admin_client, world):
    admin_client.post(
        CREATE, {**VALID, "telefoonnummer": "06 1234 5678", "uzi_nummer": "123 456 789"}
    )
    user = User.objects.get(email="ptest@voorbeeld.nl")
    assert user.telefoonnummer == "+31612345678"
    assert user.uzi_nummer == "123456789"


def test_operator_creates_in_the_chosen_organisation(client, world):
    client.force_login(OperatorUserFactory())
    assert client.get(CREATE).status_code == 404  # no organisation chosen
    url = f"{CREATE}?organisatie={world.other_organisation.pk}"
    response = client.post(url, {**VALID, "email": "p.test@elders.nl"})
    assert response.status_code == 302
    assert User.objects.get(email="p.test@elders.nl").organisation == world.other_organisation


def test_every_field_is_checked_in_one_round(admin_client, world):
    """A missing name does not hide a wrong e-mail address, phone number or UZI-nummer."""
    data = {
        **VALID,
        "voornaam": "",
        "email": "info@voorbeeld.nl",
        "telefoonnummer": "020 1234567",
        "uzi_nummer": "12345",
    }
    html = admin_client.post(CREATE, data).content.decode()
    assert field_errors(html, "voornaam")
    assert any("Algemene adressen" in e for e in field_errors(html, "email"))
    assert any("mobiel nummer" in e for e in field_errors(html, "telefoonnummer"))
    assert any("9 cijfers" in e for e in field_errors(html, "uzi_nummer"))
    assert not User.objects.filter(email="info@voorbeeld.nl").exists()


def test_the_error_summary_links_each_error_to_its_field(admin_client, world):
    html = admin_client.post(CREATE, {**VALID, "voornaam": "", "email": "x"}).content.decode()
    summary_html = html[html.index('id="foutmelding-kop"') :]
    assert 'href="#id_voornaam"' in summary_html and 'href="#id_email"' in summary_html
    # Each field names its error element, and that element exists.
    for field in ("voornaam", "email"):
        assert f'aria-describedby="id_{field}_error"' in html or re.search(
            rf'id="id_{field}"[^>]*aria-describedby="[^"]*id_{field}_error', html
        )
        assert f'id="id_{field}_error"' in html
