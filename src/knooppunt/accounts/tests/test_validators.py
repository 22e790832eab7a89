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
    password_validation.validate_password("ABCDEFGH12!", user)  # upper, digit, other: 3 classes


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
