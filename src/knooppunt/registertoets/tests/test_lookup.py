"""Every matching rule of the registertoets (issue 16, SPEC 7.2): the date of birth per its
precision, 999 only, negative decisions, expired indications, the peildatum, one neutral Nee;
and a question that fails its checks is an error, never a "Nee", and is not logged."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from knooppunt.access.rules import AccessRefused
from knooppunt.audit.models import AuditEvent
from knooppunt.registertoets import services
from knooppunt.registertoets.models import Raadpleging
from knooppunt.testing.factories import UserFactory, grant

from .conftest import row

pytestmark = pytest.mark.django_db
D = datetime.date
REDEN = "samenloop-wmo"


BORN = D(1938, 4, 12)
PEIL = D(2026, 6, 1)


def ask(user, bsn="111222333", geboortedatum=BORN, peildatum=PEIL, **kw):
    return services.raadplegen(
        user, bsn=bsn, geboortedatum=geboortedatum, reden=REDEN, peildatum=peildatum, **kw
    )


def test_a_valid_indication_is_ja_with_its_zorgprofiel_and_dates(gebruiker, register):
    register(row(afgifte="2024-02-15", ingang="2024-03-01", zzp="754"))
    antwoord = ask(gebruiker)
    assert antwoord.ja
    (indicatie,) = antwoord.indicaties
    assert indicatie.zorgprofielen == (("754", "5VV: Beschermd wonen met intensieve dementiezorg"),)
    assert (indicatie.ingangsdatum, indicatie.einddatum, indicatie.afgiftedatum) == (
        D(2024, 3, 1),
        None,
        D(2024, 2, 15),
    )


def test_the_full_date_of_birth_must_match(gebruiker, register):
    register(row(geboortedatum="1938-04-12"))
    assert ask(gebruiker, geboortedatum=D(1938, 4, 12)).ja
    assert not ask(gebruiker, geboortedatum=D(1938, 4, 13)).ja


def test_precision_1_matches_year_and_month(gebruiker, register):
    register(row(geboortedatum="1938-04-01", gebruik="1"))
    assert ask(gebruiker, geboortedatum=D(1938, 4, 27)).ja
    assert not ask(gebruiker, geboortedatum=D(1938, 5, 1)).ja
    assert not ask(gebruiker, geboortedatum=D(1939, 4, 1)).ja


def test_precision_2_matches_the_year(gebruiker, register):
    register(row(geboortedatum="1938-01-01", gebruik="2"))
    assert ask(gebruiker, geboortedatum=D(1938, 11, 30)).ja
    assert not ask(gebruiker, geboortedatum=D(1937, 12, 31)).ja


def test_precision_3_matches_any_date_so_the_bsn_decides(gebruiker, register):
    register(row(geboortedatum="", gebruik="3"))
    assert ask(gebruiker, geboortedatum=D(2001, 7, 7)).ja
    assert not ask(gebruiker, bsn="123456782", geboortedatum=D(2001, 7, 7)).ja


def test_never_ja_for_an_indication_whose_only_zorgprofiel_is_999(gebruiker, register):
    register(row(zzp="999"))
    assert not ask(gebruiker).ja


def test_999_beside_another_profile_is_ja_and_only_the_other_is_shown(gebruiker, register):
    register(row(zzp="999"), row(zzp="753"))
    antwoord = ask(gebruiker)
    assert antwoord.ja
    assert [code for ind in antwoord.indicaties for code, _ in ind.zorgprofielen] == ["753"]


def test_never_ja_for_a_negative_decision(gebruiker, register):
    register(row(negatief="1"))
    assert not ask(gebruiker).ja


def test_never_ja_for_an_expired_indication(gebruiker, register):
    register(row(ingang="2020-01-01", eind="2025-12-31", zzp_eind="2025-12-31"))
    assert not ask(gebruiker, peildatum=D(2026, 1, 1)).ja
    assert ask(gebruiker, peildatum=D(2025, 12, 31)).ja  # its last day still counts


def test_the_peildatum_decides_which_indications_count(gebruiker, register):
    register(
        row(
            besluit="OUD", ingang="2020-01-01", eind="2022-12-31", zzp="752", zzp_eind="2022-12-31"
        ),
        row(besluit="NIEUW", afgifte="2022-12-01", ingang="2023-01-01", zzp="755"),
    )
    codes = lambda a: [c for ind in a.indicaties for c, _ in ind.zorgprofielen]  # noqa: E731
    assert codes(ask(gebruiker, peildatum=D(2021, 6, 1))) == ["752"]
    assert codes(ask(gebruiker, peildatum=D(2024, 6, 1))) == ["755"]
    assert not ask(gebruiker, peildatum=D(2019, 12, 31)).ja  # before the first one started


def test_an_indication_without_a_zorgprofiel_valid_that_day_is_no_ja(gebruiker, register):
    register(row(ingang="2024-03-01", zzp_ingang="2024-03-01", zzp_eind="2025-01-31"))
    assert not ask(gebruiker, peildatum=D(2025, 6, 1)).ja


def test_the_peildatum_defaults_to_today(gebruiker, register):
    register(row())
    antwoord = ask(gebruiker, peildatum=None)
    assert antwoord.vraag.peildatum == datetime.date.today()


def test_one_neutral_nee_for_unknown_bsn_wrong_birth_date_and_no_valid_indication(
    gebruiker, register, client
):
    register(
        row(bsn="111222333", negatief="1"),
        row(bsn="123456782", geboortedatum="1950-07-01", besluit="B2"),
    )
    client.force_login(gebruiker)

    def answer_section(bsn, geboortedatum):
        response = client.post(
            "/wlz-registertoets/",
            {"bsn": bsn, "geboortedatum": geboortedatum, "reden": REDEN, "peildatum": "2026-06-01"},
        )
        html = response.content.decode()
        section = html[html.index('<section aria-labelledby="antwoord-kop"') :]
        section = section[: section.index("</section>")]
        y, m, d = geboortedatum.split("-")
        return section.replace(bsn[-4:], "####").replace(f"{d}-{m}-{y}", "DD-MM-JJJJ")

    unknown = answer_section("999999990", "1938-04-12")  # valid, not in the register
    wrong_birth = answer_section("123456782", "1950-07-02")
    negative = answer_section("111222333", "1938-04-12")
    assert "Antwoord: Nee" in unknown
    assert unknown == wrong_birth == negative


@pytest.mark.parametrize(
    ("bsn", "message"),
    [
        ("123456789", "11-proef"),
        ("12345678", "9 cijfers"),
        ("1234567890", "9 cijfers"),
        ("12345678a", "9 cijfers"),
        ("", "Vul het BSN in"),
    ],
)
def test_a_bsn_that_is_none_is_an_error_and_not_logged(gebruiker, register, bsn, message):
    register(row())
    with pytest.raises(ValidationError) as exc:
        ask(gebruiker, bsn=bsn)
    assert message in " ".join(exc.value.message_dict["bsn"])
    assert not Raadpleging.objects.exists()
    assert not AuditEvent.objects.filter(action="registertoets.raadpleging").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("geboortedatum", D(2999, 1, 1), "in de toekomst"),
        ("geboortedatum", D(1899, 12, 31), "vóór 1900"),
        ("geboortedatum", None, "Vul de geboortedatum in"),
        ("peildatum", D(1899, 1, 1), "vóór 1900"),
    ],
)
def test_dates_out_of_range_are_errors(gebruiker, field, value, message):
    with pytest.raises(ValidationError) as exc:
        ask(gebruiker, **{field: value})
    assert message in " ".join(exc.value.message_dict[field])
    assert not Raadpleging.objects.exists()


def test_a_missing_reason_is_an_error(gebruiker):
    with pytest.raises(ValidationError) as exc:
        services.raadplegen(gebruiker, bsn="111222333", geboortedatum=D(1938, 4, 12), reden="")
    assert "reden" in exc.value.message_dict


def test_only_a_gebruiker_of_the_product_may_ask(gemeente, register):
    register(row())
    productbeheerder = UserFactory(organisation=gemeente)
    grant(productbeheerder, "wlz-registertoets", "productbeheerder")
    iwmo_user = UserFactory(organisation=gemeente)
    grant(iwmo_user, "iwmo", "gebruiker")
    for user in (productbeheerder, iwmo_user):
        with pytest.raises(AccessRefused):
            ask(user)
    assert not Raadpleging.objects.exists()
