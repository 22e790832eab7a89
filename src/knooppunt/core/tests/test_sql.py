"""The plain-SQL helpers must give exactly what the ORM gives, on SQLite and on PostgreSQL."""

import datetime

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knooppunt.accounts.models import LoginCodeDevice, User
from knooppunt.audit.models import AuditEvent
from knooppunt.audit.services import record
from knooppunt.core import sql
from knooppunt.organisations.models import Organisation
from knooppunt.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_a_row_becomes_the_same_instance_as_the_orm_loads():
    user = UserFactory(
        nieuwsbrief=True,  # a boolean (an integer on SQLite)
        last_login=timezone.now() - datetime.timedelta(days=3),  # an aware datetime
        deactivated_until=datetime.date(2027, 1, 31),  # a date
    )
    loaded = sql.get(User, "id", user.pk)
    assert _fields(loaded) == _fields(User.objects.get(pk=user.pk))
    assert loaded.nieuwsbrief is True
    assert loaded.last_login.tzinfo is not None
    assert not loaded._state.adding


def test_json_and_address_columns_convert_as_in_the_orm():
    event = record("test.sql", details={"a": [1, 2], "b": "é"})
    loaded = sql.get(AuditEvent, "id", event.pk)
    assert loaded.details == {"a": [1, 2], "b": "é"}
    assert _fields(loaded) == _fields(AuditEvent.objects.get(pk=event.pk))


def test_get_returns_none_for_a_missing_row():
    assert sql.get(User, "id", 10**9) is None


def test_update_writes_only_the_named_columns():
    user = UserFactory(voornaam="Piet")
    user.voornaam = "Klaas"  # changed in memory, not named
    user.last_login = timezone.now()
    assert sql.update(user, "last_login") == 1
    stored = User.objects.get(pk=user.pk)
    assert stored.voornaam == "Piet"
    assert stored.last_login == user.last_login


def test_the_user_with_organisation_is_one_query_for_both():
    user = UserFactory(username="pvisser")
    with CaptureQueriesContext(connection) as queries:
        loaded = User.objects.get_with_organisation(user.pk)
        by_name = User.objects.get_by_natural_key("PVisser")  # any letter case
        assert loaded.organisation.naam == user.organisation.naam
        assert by_name.pk == user.pk and by_name.organisation.pk == user.organisation.pk
    assert len(queries) == 2
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key("niemand")


def test_the_device_lock_creates_the_device_once():
    user = UserFactory()
    first = LoginCodeDevice.locked_for(user)
    again = LoginCodeDevice.locked_for(user)
    assert first.pk == again.pk
    assert LoginCodeDevice.objects.filter(user=user).count() == 1


def test_a_device_that_disappears_during_a_login_is_an_error_not_a_silent_no_op():
    user = UserFactory()
    device = LoginCodeDevice.locked_for(user)
    LoginCodeDevice.objects.filter(pk=device.pk).delete()  # e.g. the account erased meanwhile
    with pytest.raises(DatabaseError):
        device.new_code("sms")


def test_the_agreements_check_agrees_with_the_list_of_missing_ones():
    signed, unsigned = OrganisationFactory(), OrganisationFactory(agreements_signed=False)

    def fresh(organisation):  # a new instance each time: both answers are remembered per instance
        return Organisation.objects.get(pk=organisation.pk)

    assert fresh(signed).has_all_agreements() and fresh(signed).missing_agreements() == []
    assert not fresh(unsigned).has_all_agreements()
    assert fresh(unsigned).missing_agreements()  # the kinds the gate page names


def test_the_lookup_finds_the_issued_name_in_every_form_that_normalises_to_it():
    user = UserFactory(username="lvisser")
    for typed in ("lvisser", " LVisser ", "lviſser", "ｌｖｉｓｓｅｒ"):
        assert User.objects.get_by_natural_key(typed) == user
    for typed in ("lvıssеr", "lvisser2", ""):  # a dotless i and a Cyrillic e match nobody
        with pytest.raises(User.DoesNotExist):
            User.objects.get_by_natural_key(typed)
