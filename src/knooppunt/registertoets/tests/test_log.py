"""NEN 7513 logging of every lookup: the fields, the BSN as keyed hash plus encryption (never
plain), tamper evidence through the chained audit trail, 5 years' retention and the purge."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from knooppunt.access.principals import HOUSEKEEPING
from knooppunt.audit.models import AuditEvent
from knooppunt.audit.services import verify_chain
from knooppunt.core import housekeeping
from knooppunt.registertoets import bsn, log, services
from knooppunt.registertoets.models import Raadpleging

from .conftest import row

pytestmark = pytest.mark.django_db


def ask(user, bsn_value="111222333", **kw):
    return services.raadplegen(
        user,
        bsn=bsn_value,
        geboortedatum=datetime.date(1938, 4, 12),
        reden="samenloop-wmo",
        peildatum=datetime.date(2026, 6, 1),
        **kw,
    )


def test_a_lookup_is_logged_with_who_for_whom_when_which_bsn_why_what_and_how(gebruiker, register):
    register(row())
    before = timezone.now()
    ask(gebruiker)
    entry = Raadpleging.objects.get()
    assert entry.actor_kind == "user"
    assert entry.actor_id == gebruiker.pk
    assert entry.actor_username == "ggebruiker"
    assert entry.organisation_id == gebruiker.organisation_id
    assert entry.organisation_naam == "Gemeente Toetsstad"
    assert before <= entry.timestamp <= timezone.now()
    assert entry.bsn_hash == bsn.keyed_hash("111222333")
    assert entry.bsn == "111222333"  # decrypted for disclosure
    assert entry.reden == "samenloop-wmo"
    assert entry.peildatum == datetime.date(2026, 6, 1)
    assert entry.uitkomst == "ja"
    assert entry.kanaal == "web"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registertoets_raadpleging")
        stored = " ".join(str(v) for v in cursor.fetchone())
    assert "111222333" not in stored


def test_nee_is_logged_too_and_the_audit_event_holds_no_bsn(gebruiker, register):
    ask(gebruiker, "123456782")
    assert Raadpleging.objects.get().uitkomst == "nee"
    event = AuditEvent.objects.get(action="registertoets.raadpleging")
    assert event.organisation_id == gebruiker.organisation_id
    assert event.details["uitkomst"] == "nee"
    assert event.details["kanaal"] == "web"
    text = str(event.details) + event.object_repr
    assert "123456782" not in text and bsn.keyed_hash("123456782") not in text
    assert verify_chain() is None


def test_the_log_verifies_and_an_edit_a_removal_or_an_addition_is_found(gebruiker, register):
    register(row())
    ask(gebruiker)
    ask(gebruiker, "123456782")
    assert log.verify() == []
    first, second = Raadpleging.objects.order_by("id")
    Raadpleging.objects.filter(pk=first.pk).update(uitkomst="nee")
    problems = log.verify()
    assert len(problems) == 1 and "gewijzigd" in problems[0].reason
    Raadpleging.objects.filter(pk=first.pk).update(uitkomst="ja")
    Raadpleging.objects.filter(pk=second.pk).delete()
    assert "gevonden" in log.verify()[0].reason
    forged = Raadpleging.objects.get(pk=first.pk)
    forged.pk, forged.keten = None, "0" * 32
    forged.save()
    assert any("zonder regel" in p.reason for p in log.verify())


def test_verify_wlz_log_command_exits_non_zero_on_tampering(gebruiker, register, capsys):
    ask(gebruiker)
    call_command("verify_wlz_log")
    Raadpleging.objects.update(reden="herbeoordeling")
    with pytest.raises(SystemExit) as exc:
        call_command("verify_wlz_log")
    assert exc.value.code == 1


def test_lookups_are_kept_5_years_then_purged_by_housekeeping(gebruiker, settings):
    assert settings.KNOOPPUNT_REGISTERTOETS_LOG_DAYS == 1827
    with time_machine.travel(datetime.datetime(2020, 1, 10, 12, tzinfo=datetime.UTC), tick=False):
        services.raadplegen(
            gebruiker, bsn="123456782", geboortedatum=datetime.date(1950, 7, 1), reden="aanvraag"
        )
    with time_machine.travel(datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC), tick=False):
        services.raadplegen(
            gebruiker, bsn="123456782", geboortedatum=datetime.date(1950, 7, 1), reden="aanvraag"
        )
    now = datetime.datetime(2025, 1, 8, tzinfo=datetime.UTC)  # not yet 1827 days
    assert housekeeping.run(now, only=["registertoets.purge_log"]) == {"registertoets.purge_log": 0}
    now = datetime.datetime(2025, 1, 12, tzinfo=datetime.UTC)  # 5 years and a day
    assert housekeeping.run(now, only=["registertoets.purge_log"]) == {"registertoets.purge_log": 1}
    assert Raadpleging.objects.get().timestamp.year == 2024
    assert AuditEvent.objects.filter(action="registertoets.log_purge").exists()
    assert log.verify(now) == []  # the purged rows' events may have none left


def test_a_shorter_retention_is_configurable(gebruiker, settings):
    settings.KNOOPPUNT_REGISTERTOETS_LOG_DAYS = 30
    with time_machine.travel(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), tick=False):
        services.raadplegen(
            gebruiker, bsn="123456782", geboortedatum=datetime.date(1950, 7, 1), reden="aanvraag"
        )
    later = datetime.datetime(2026, 2, 5, tzinfo=datetime.UTC)
    assert services.purge_log(HOUSEKEEPING, later) == 1
