import pytest
from django.core.exceptions import ValidationError

from knooppunt.organisations import validators


@pytest.mark.parametrize("value", ["1234567", "123456789", "12a45678", "00123456", ""])
def test_bad_agb_is_refused(value):
    with pytest.raises(ValidationError):
        validators.validate_agb(value)


def test_good_agb_passes():
    validators.validate_agb("73730001")


@pytest.mark.parametrize("value", ["1234567", "123456789", "1234567a", "00000000"])
def test_bad_kvk_is_refused(value):
    with pytest.raises(ValidationError, match="KvK"):
        validators.validate_kvk(value)


def test_good_kvk_passes():
    validators.validate_kvk("11223344")


@pytest.mark.parametrize("value", ["0123 AB", "3528 SA", "352 BD", "3528BDX", "ABCD 12"])
def test_bad_postcode_is_refused(value):
    with pytest.raises(ValidationError, match="postcode"):
        validators.validate_postcode(value)


@pytest.mark.parametrize("value", ["3528 BD", "3528bd", "1234AB"])
def test_good_postcode_passes_and_is_normalised(value):
    validators.validate_postcode(value)
    assert validators.normalise_postcode(value)[4] == " "


@pytest.mark.parametrize(
    ("func", "bad", "good"),
    [
        (validators.validate_gemeentecode, "0000", "0344"),
        (validators.validate_oin, "1234", "00000001001234567000"),
        (validators.validate_domain, "not a domain", "gemeente.nl"),
    ],
)
def test_other_identifiers(func, bad, good):
    func(good)
    with pytest.raises(ValidationError):
        func(bad)
