"""Every form that takes a person's name or e-mail address takes it as the user table stores it:
a value the form accepts always fits the column (issue 12: the CSV import once stored names that
PostgreSQL refused and SQLite kept, so that the user could no longer be saved)."""

import pytest

from knooppunt.aanmelding.forms import ApplicationForm
from knooppunt.accounts.models import User
from knooppunt.eherkenning.forms import PersonalSettingsForm
from knooppunt.usermanagement.forms import UserEditForm, UserForm

NAMES = ("voorletters", "voornaam", "tussenvoegsel", "achternaam", "email")


@pytest.mark.parametrize("form", [UserForm, UserEditForm, PersonalSettingsForm, ApplicationForm])
@pytest.mark.parametrize("name", NAMES)
def test_the_forms_name_fields_are_as_long_as_the_users_columns(form, name):
    field = form.base_fields[name]
    assert field.max_length == User._meta.get_field(name).max_length
    assert field.required is (name != "tussenvoegsel")
