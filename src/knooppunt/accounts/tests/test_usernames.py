import pytest

from knooppunt.accounts.models import IssuedUsername, User
from knooppunt.accounts.usernames import base_username, issue_username
from knooppunt.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("voorletters", "voornaam", "achternaam", "expected"),
    [
        ("P", "Piet", "Test", "ptest"),
        ("P.J.", "Piet", "Test", "ptest"),
        ("", "Éva", "Özdemir", "eozdemir"),
        ("J", "Jan", "Jansen-de Vries", "jjansendevries"),
        ("K", "Karin", "O'Neill", "koneill"),
    ],
)
def test_base_username(voorletters, voornaam, achternaam, expected):
    assert base_username(voorletters, voornaam, achternaam) == expected


def test_numbers_are_added_where_needed():
    names = [issue_username("P", "Piet", "Test") for _ in range(3)]
    assert names == ["ptest", "ptest2", "ptest3"]


def test_similar_names_do_not_count():
    IssuedUsername.objects.create(name="ptester")
    IssuedUsername.objects.create(name="ptest7x")
    assert issue_username("P", "Piet", "Test") == "ptest"


def test_names_are_never_reused_even_after_the_user_is_gone():
    first = issue_username("P", "Piet", "Test")
    second = issue_username("P", "Paula", "Test")
    UserFactory(username=second)
    User.objects.filter(username=second).delete()  # purged tombstone
    third = issue_username("P", "Pim", "Test")
    assert (first, second, third) == ("ptest", "ptest2", "ptest3")


def test_a_gap_is_not_filled():
    IssuedUsername.objects.create(name="ptest")
    IssuedUsername.objects.create(name="ptest5")
    assert issue_username("P", "Piet", "Test") == "ptest6"
