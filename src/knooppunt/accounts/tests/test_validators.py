"""Each rule of the password policy refuses with a Dutch message naming the rule."""

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from knooppunt.accounts.passwords import set_password
from knooppunt.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory(
        username="jjansen",
        voornaam="Johanna",
        tussenvoegsel="van",
        achternaam="Jansen",
        email="hanna.k@proef.example",
    )


def refusal(password, user) -> str:
    with pytest.raises(ValidationError) as exc:
        password_validation.validate_password(password, user)
    return " ".join(exc.value.messages)


def test_a_good_password_passes(user):
    password_validation.validate_password("Zomer!Regen42", user)


def test_too_short(user):
    assert "te kort: minimale lengte van 8 karakters" in refusal("Ab1!xyz", user)


def test_fewer_than_three_classes(user):
    assert "minimaal 3 van de categorieën" in refusal("alleenkleineletters", user)
    # upper, digit, other: 3 classes (and no common word once the digits are off)
    password_validation.validate_password("KRWTZPLM12!", user)


def test_two_classes_refused(user):
    assert "categorieën" in refusal("Zonnebloemveld", user)


@pytest.mark.parametrize(
    "password",
    ["Xjjansen!1", "Xx!1Johan99", "Q!9janSENq", "Q!9hannaQ", "Q!9VANaaQ"],
)
def test_login_name_and_name_parts_refused(user, password):
    message = refusal(password, user)
    assert "gebruikersnaam" in message or "(gebruikers)naam" in message


def test_common_password_refused(user):
    assert "te bekend" in refusal("Password1!", user)


def test_last_12_passwords_refused_13th_allowed(user):
    history = [f"Sterk!Wachtwoord{n:02d}" for n in range(13)]
    for password in history:
        set_password(user, password)
    # The current one and the 11 before it are refused ...
    for password in history[1:]:
        assert "12 voorgaande" in refusal(password, user)
    # ... the 13th-last one is allowed again.
    password_validation.validate_password(history[0], user)


def test_help_texts_are_dutch():
    texts = " ".join(password_validation.password_validators_help_text_html().split())
    assert "categorieën" in texts
    assert "12 voorgaande" in texts


@pytest.mark.parametrize(
    "password",
    [
        "Welkom01!",  # the example: a Dutch staple with the usual digits and sign
        "welkom01!",
        "  Welkom01!  ",  # Django's normalisation: lower case, outer spaces removed
        "W3lk0m2026!",  # look-alikes undone
        "!Wachtwoord1",
        "W@chtw00rd99",
        "Zomer2026!",
        "Feyenoord1!",
        "Vlinder12#",  # from the frequency list
        "Sanne1990!",  # a first name
        "Password1!",  # Django's English list, also with the substitutions undone
        "P@ssw0rd2026",
    ],
)
def test_common_dutch_passwords_refused(user, password):
    assert "te bekend" in refusal(password, user)


@pytest.mark.parametrize(
    "password", ["Welkom01!Xq", "Zomer-Fiets-Boom7", "Kx7#mVq2pL!", "Abc!2026xy"]
)
def test_uncommon_passwords_allowed(user, password):
    password_validation.validate_password(password, user)


def test_dutch_list_is_checked_with_djangos_normalisation():
    from knooppunt.accounts.validators import CommonPasswordValidator, common_password_forms

    assert "welkom" in common_password_forms("  WELKOM01!  ")
    validator = CommonPasswordValidator()
    assert "welkom" in validator.passwords  # the Dutch list
    assert "password" in validator.passwords  # and Django's own
