"""The screens: "Raadplegen" for a Gebruiker (its form errors, the answer, nothing else of the
client), the administrator's counts per user per month, and the operator's "Wie heeft dit BSN
geraadpleegd?" with the disclosure report. Plus the screen-access contract."""

import datetime
import re

import pytest
from django.urls import reverse

from knooppunt.audit.models import AuditEvent
from knooppunt.registertoets import bsn, services
from knooppunt.registertoets.models import Raadpleging
from knooppunt.testing.factories import (
    AdministratorFactory,
    OperatorUserFactory,
    OrganisationFactory,
    UserFactory,
    grant,
)
from knooppunt.testing.views import ScreenAccessContract, ScreenWorld

from .conftest import row

pytestmark = pytest.mark.django_db
URL = "/wlz-registertoets/"


def post(client, **data):
    values = {"bsn": "111222333", "geboortedatum": "1938-04-12", "reden": "samenloop-wmo"}
    values.update(data)
    return client.post(URL, values)


def test_the_form_has_the_fields_and_the_manuals_reason_first(client, gebruiker):
    client.force_login(gebruiker)
    html = client.get(URL).content.decode()
    for name in ("bsn", "geboortedatum", "reden", "peildatum"):
        assert f'name="{name}"' in html
    options = html[html.index('name="reden"') :]
    first_real = options.split("<option")[2]
    assert "Gerede twijfel samenloop Wmo/Wlz" in first_real


def test_ja_shows_the_zorgprofiel_and_dates_and_nothing_else_of_the_client(
    client, gebruiker, register
):
    register(row(ingang="2024-03-01", afgifte="2024-02-15", zzp="754"))
    client.force_login(gebruiker)
    html = post(client).content.decode()
    # Random tokens (CSRF) could hold any two characters; they are not the client's data.
    html = re.sub(r'value="[A-Za-z0-9]{32,}"', "", html)
    assert "Antwoord: Ja" in html
    assert "754 5VV: Beschermd wonen met intensieve dementiezorg" in html
    assert "01-03-2024" in html and "15-02-2024" in html
    assert "111222333" not in html  # the BSN is not even repeated whole
    assert "B1" not in html  # nor the besluitnummer


def test_a_bsn_failing_the_11_proef_is_a_form_error_never_nee(client, gebruiker):
    client.force_login(gebruiker)
    html = post(client, bsn="123456789").content.decode()
    assert "11-proef" in html
    assert "Antwoord" not in html
    assert not Raadpleging.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"bsn": "1234"}, "Een BSN bestaat uit 9 cijfers."),
        ({"bsn": ""}, "Vul het BSN in."),
        ({"geboortedatum": "2999-01-01"}, "De geboortedatum ligt in de toekomst."),
        ({"geboortedatum": "1899-12-31"}, "De geboortedatum ligt vóór 1900."),
        ({"geboortedatum": "31-02-1950"}, "Vul een bestaande datum in"),
        ({"reden": ""}, "Kies de reden van de raadpleging."),
        ({"reden": "nieuwsgierig"}, "Kies een van de redenen van de lijst."),
        ({"peildatum": "2999-01-01"}, "De peildatum ligt in de toekomst."),
    ],
)
def test_bad_input_gets_a_clear_dutch_message_and_is_not_a_lookup(client, gebruiker, data, message):
    client.force_login(gebruiker)
    response = post(client, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Raadpleging.objects.exists()


def test_a_dutch_date_and_spaces_in_the_bsn_are_understood(client, gebruiker, register):
    register(row())
    client.force_login(gebruiker)
    html = post(client, bsn="1112 22 333", geboortedatum="12-04-1938").content.decode()
    assert "Antwoord: Ja" in html


def test_a_productbeheerder_without_the_gebruiker_role_gets_a_404(client, gemeente):
    user = UserFactory(organisation=gemeente)
    grant(user, "wlz-registertoets", "productbeheerder")
    client.force_login(user)
    assert client.get(URL).status_code == 404
    assert post(client).status_code == 404
    assert not Raadpleging.objects.exists()


def test_the_menu_shows_the_registertoets_to_a_gebruiker_only(client, gebruiker, gemeente):
    client.force_login(gebruiker)
    assert 'href="/wlz-registertoets/"' in client.get("/").content.decode()
    other = UserFactory(organisation=gemeente)
    grant(other, "wlz-registertoets", "productbeheerder")
    client.force_login(other)
    assert 'href="/wlz-registertoets/"' not in client.get("/").content.decode()


# --- the administrator's counts --------------------------------------------------------------


def test_the_administrator_sees_counts_per_user_per_month_without_bsns(
    client, gebruiker, beheerder, register
):
    register(row())
    for _ in range(3):
        services.raadplegen(
            gebruiker, bsn="111222333", geboortedatum=datetime.date(1938, 4, 12), reden="aanvraag"
        )
    services.raadplegen(
        gebruiker, bsn="123456782", geboortedatum=datetime.date(1950, 7, 1), reden="aanvraag"
    )
    stranger = UserFactory(organisation=OrganisationFactory(naam="Gemeente Elders"))
    grant(stranger, "wlz-registertoets", "gebruiker")
    services.raadplegen(
        stranger, bsn="111222333", geboortedatum=datetime.date(1938, 4, 12), reden="aanvraag"
    )
    client.force_login(beheerder)
    html = client.get(reverse("registertoets:overzicht")).content.decode()
    assert "ggebruiker" in html
    assert 'data-label="Raadplegingen">4</td>' in html and 'data-label="waarvan Ja">3</td>' in html
    assert stranger.username not in html
    for value in ("111222333", "123456782", bsn.keyed_hash("111222333")):
        assert value not in html


def test_a_gebruiker_without_the_administrator_right_sees_no_counts(client, gebruiker):
    client.force_login(gebruiker)
    assert client.get(reverse("registertoets:overzicht")).status_code == 404


# --- "Wie heeft dit BSN geraadpleegd?" -------------------------------------------------------

INZAGE = "/operator/registertoets/raadpleging/"


def test_the_operator_finds_every_lookup_of_a_bsn_and_the_search_is_logged(
    client, gebruiker, register
):
    register(row())
    services.raadplegen(
        gebruiker, bsn="111222333", geboortedatum=datetime.date(1938, 4, 12), reden="aanvraag"
    )
    elders = UserFactory(
        organisation=OrganisationFactory(naam="Gemeente Elders"), username="eelders"
    )
    grant(elders, "wlz-registertoets", "gebruiker")
    services.raadplegen(
        elders, bsn="111222333", geboortedatum=datetime.date(1999, 1, 1), reden="herbeoordeling"
    )
    services.raadplegen(
        elders, bsn="123456782", geboortedatum=datetime.date(1950, 7, 1), reden="aanvraag"
    )
    operator = OperatorUserFactory()
    client.force_login(operator)
    assert client.get(INZAGE).status_code == 200
    html = client.post(INZAGE, {"bsn": "111222333"}).content.decode()
    table = html[html.index('id="raadplegingen"') :]
    assert "2 raadplegingen" in html
    assert "ggebruiker" in table and "Gemeente Toetsstad" in table and "Ja" in table
    assert "eelders" in table and "Gemeente Elders" in table and "Nee" in table
    assert "Herbeoordeling lopende voorziening" in table
    event = AuditEvent.objects.get(action="registertoets.inzage")
    assert event.actor_username == operator.username
    assert event.details == {"bsn_hash": bsn.keyed_hash("111222333"), "found": 2, "export": False}


def test_the_disclosure_report_lists_the_lookups_for_the_client(client, gebruiker, register):
    register(row())
    services.raadplegen(
        gebruiker, bsn="111222333", geboortedatum=datetime.date(1938, 4, 12), reden="samenloop-wmo"
    )
    client.force_login(OperatorUserFactory())
    response = client.post(INZAGE, {"bsn": "111222333", "export": "1"})
    assert response["Content-Type"].startswith("text/csv")
    assert "inzageverslag" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    header, line = text.strip().splitlines()
    assert header == "Datum en tijd;Organisatie;Reden van raadpleging;Antwoord;Kanaal;Peildatum"
    assert "Gemeente Toetsstad;Gerede twijfel samenloop Wmo/Wlz;Ja;scherm" in line
    assert "ggebruiker" not in text
    assert AuditEvent.objects.get(action="registertoets.inzage").details["export"] is True


def test_the_operators_search_refuses_a_bsn_that_is_none(client):
    client.force_login(OperatorUserFactory())
    html = client.post(INZAGE, {"bsn": "123456789"}).content.decode()
    assert "11-proef" in html
    assert not AuditEvent.objects.filter(action="registertoets.inzage").exists()


def test_only_the_operator_may_ask_who_looked_up_a_bsn(client, beheerder):
    client.force_login(beheerder)
    response = client.post(INZAGE, {"bsn": "111222333"}, follow=True)
    assert response.status_code == 404


# --- the contract ----------------------------------------------------------------------------


class TestRegistertoetsScreens(ScreenAccessContract):
    """Every screen of the registertoets: login required, 404 without the role (the 'ordinary'
    user is a Productbeheerder of the product, not a Gebruiker), another organisation's ids
    are a 404, CSRF enforced."""

    namespaces = ("registertoets",)

    @pytest.fixture
    def screen_world(self, db) -> ScreenWorld:
        org = OrganisationFactory(naam="Gemeente Eigen", products=["wlz-registertoets"])
        other = OrganisationFactory(naam="Gemeente Anders", products=["wlz-registertoets"])
        admin = AdministratorFactory(organisation=org)
        grant(admin, "wlz-registertoets", "gebruiker")
        other_admin = AdministratorFactory(organisation=other)
        grant(other_admin, "wlz-registertoets", "gebruiker")
        ordinary = UserFactory(organisation=org)
        grant(ordinary, "wlz-registertoets", "productbeheerder")
        check = services.submit_bulk(
            admin, [("111222333", datetime.date(1938, 4, 12))], reden="aanvraag"
        )
        return ScreenWorld(
            admin=admin,
            colleague=UserFactory(organisation=org),
            other_admin=other_admin,
            ordinary=ordinary,
            extra={"pk": check.pk},
        )


def test_the_screens_speak_english_when_chosen(client, gebruiker, register, settings):
    register(row())
    client.force_login(gebruiker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = post(client).content.decode()
    assert ": Yes</h2>" in html and "Look up" in html
    assert "Reasonable doubt: overlap Wmo/Wlz" in html
