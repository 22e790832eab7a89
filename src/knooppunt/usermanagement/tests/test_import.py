"""Bulk import from CSV: the form's rules per row, a report per row, nothing imported when a row
fails unless only the valid rows were asked for."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knooppunt.accounts.models import User
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import UserFactory
from knooppunt.testing.html import cells

pytestmark = pytest.mark.django_db
IMPORT = reverse("usermanagement:user_import")
HEADER = "voorletters;voornaam;tussenvoegsel;achternaam;email;uzi_nummer;telefoonnummer;memo\n"
GOOD = [
    "J.;Jan;;Jansen;jan.jansen@voorbeeld.nl;;06 11111111;\n",
    "M.;Marie;de;Vries;marie.devries@voorbeeld.nl;123456789;;Afdeling Wmo\n",
]
BAD = "I.;Info;;Balie;info@voorbeeld.nl;;;\n"


def upload(client, text: str, mode="alles", encoding="utf-8"):
    file = SimpleUploadedFile("gebruikers.csv", text.encode(encoding), content_type="text/csv")
    return client.post(IMPORT, {"file": file, "mode": mode})


def test_all_valid_rows_are_imported_and_invited(admin_client, world, mail_outbox):
    response = upload(admin_client, HEADER + "".join(GOOD))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 gebruikers geïmporteerd" in html
    jan = User.objects.get(email="jan.jansen@voorbeeld.nl")
    assert jan.organisation == world.organisation and jan.username == "jjansen"
    assert jan.telefoonnummer == "+31611111111"
    assert f"geïmporteerd als {jan.username}" in html
    assert len(mail_outbox.to("jan.jansen@voorbeeld.nl")) == 1
    assert len(mail_outbox.to("marie.devries@voorbeeld.nl")) == 1
    event = AuditEvent.objects.get(action="user.import")
    assert event.details == {"rows": 2, "imported": 2, "refused": 0, "valid_only": False}
    assert AuditEvent.objects.filter(action="user.create").count() == 2


def test_one_bad_row_and_nothing_is_imported(admin_client, world, mail_outbox):
    before = User.objects.count()
    response = upload(admin_client, HEADER + GOOD[0] + BAD + GOOD[1])
    html = response.content.decode()
    assert "Er is niets geïmporteerd: 1 regel bevat fouten." in html
    assert "Algemene adressen zoals info@ voldoen niet." in html
    assert cells(html, "3")  # the line number of the bad row
    assert "in orde, niet geïmporteerd" in html
    assert User.objects.count() == before
    assert mail_outbox.messages() == []


def test_only_the_valid_rows_when_asked(admin_client, world):
    response = upload(admin_client, HEADER + GOOD[0] + BAD + GOOD[1], mode="geldige")
    html = response.content.decode()
    assert "2 gebruikers geïmporteerd" in html and "1 regel met fouten is overgeslagen." in html
    assert (
        User.objects.filter(
            email__in=["jan.jansen@voorbeeld.nl", "marie.devries@voorbeeld.nl"]
        ).count()
        == 2
    )
    assert not User.objects.filter(email="info@voorbeeld.nl").exists()


def test_the_same_address_twice_in_the_file_is_an_error(admin_client, world):
    response = upload(admin_client, HEADER + GOOD[0] + GOOD[0].replace("Jan;", "Johan;"))
    assert "Dit e-mailadres staat ook op regel 2 van het bestand." in response.content.decode()
    assert not User.objects.filter(email="jan.jansen@voorbeeld.nl").exists()


def test_existing_address_and_foreign_domain_are_refused(admin_client, world):
    UserFactory(organisation=world.organisation, email="jan.jansen@voorbeeld.nl")
    response = upload(admin_client, HEADER + GOOD[0] + "P.;Piet;;Smit;piet@gmail.com;;;\n")
    html = response.content.decode()
    assert "Dit e-mailadres is al in gebruik." in html
    assert "binnen het domein van uw organisatie" in html


def test_comma_separated_excel_file_with_bom_and_windows_encoding(admin_client, world):
    text = "\ufeffvoorletters,voornaam,achternaam,email\nZ.,Zoë,Çelik,zoe.celik@voorbeeld.nl\n"
    upload(admin_client, text)
    assert User.objects.get(email="zoe.celik@voorbeeld.nl").voornaam == "Zoë"
    text = "voorletters;voornaam;achternaam;email\nR.;René;Mol;rene.mol@voorbeeld.nl\n"
    upload(admin_client, text, encoding="cp1252")
    assert User.objects.get(email="rene.mol@voorbeeld.nl").voornaam == "René"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "Kies een CSV-bestand."),
        ("naam;email\nx;y\n", "Onbekende kolom(men): naam"),
        ("voornaam;email\nx;y@voorbeeld.nl\n", "De kolom(men) voorletters, achternaam ontbreken"),
        (HEADER, "Het bestand bevat geen gebruikers."),
        ("\x00\x01binary", "Het bestand is geen CSV-bestand."),
    ],
)
def test_unreadable_files_get_a_message_and_nothing_happens(admin_client, world, content, message):
    before = User.objects.count()
    if content:
        response = upload(admin_client, content)
    else:
        response = admin_client.post(IMPORT, {"mode": "alles"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_too_many_rows(admin_client, world):
    rows = "".join(f"A.;Anna;;Lid{n};lid{n}@voorbeeld.nl;;;\n" for n in range(1001))
    response = upload(admin_client, HEADER + rows)
    assert "meer dan 1000 regels" in response.content.decode()
    assert not User.objects.filter(email="lid0@voorbeeld.nl").exists()


@pytest.mark.parametrize(
    ("column", "value"),
    [("voorletters", "J" * 21), ("tussenvoegsel", "v" * 31), ("achternaam", "A" * 151)],
)
def test_over_long_values_are_refused_by_the_forms_rules(admin_client, world, column, value):
    """Issue 12.3: a name longer than its column gave a 500 on PostgreSQL and was stored on
    SQLite (a user that could not be saved again). The import applies the field rules of the
    form: one Dutch message per field, nothing imported."""
    row = {"voorletters": "J.", "tussenvoegsel": "", "achternaam": "Jansen"}
    row[column] = value
    line = f"{row['voorletters']};Jan;{row['tussenvoegsel']};{row['achternaam']};"
    line += "jan.lang@voorbeeld.nl;;;\n"
    before = User.objects.count()
    response = upload(admin_client, HEADER + line)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Er is niets geïmporteerd" in html
    assert "Gebruik ten hoogste" in html
    assert User.objects.count() == before
