"""The server's own work: notifications of new messages (bundled, at most one mail per address
per N minutes, no personal data), late retours (OP090, werkdagen of the Algemene termijnenwet)
flagged and mailed daily, retention purges and the orphan sweep."""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from knooppunt.access.principals import HOUSEKEEPING
from knooppunt.core import housekeeping, werkdagen
from knooppunt.exchange import services, tasks
from knooppunt.exchange.models import Message, Refusal
from knooppunt.jobs.queue import run_queued
from knooppunt.testing.views import body

from .conftest import jw301, jw302

pytestmark = pytest.mark.django_db
AMSTERDAM = timezone.get_fixed_timezone(120)


def _send(world, ident):
    [outcome] = services.offer(world.g_user, world.gemeente, "ijw", f"{ident}.xml", jw301(ident))
    assert outcome.accepted, outcome.findings
    return outcome.message


# --- werkdagen ----------------------------------------------------------------------------------


def test_the_retour_deadline_counts_werkdagen_as_the_algemene_termijnenwet(world):
    # The portal's one calendar (core.werkdagen): Thursday 2 April 2026 + 3 werkdagen is
    # Wednesday 8 April: Goede Vrijdag counts, Tweede Paasdag (Monday 6) does not.
    with time_machine.travel(datetime.datetime(2026, 4, 2, 10, tzinfo=AMSTERDAM), tick=False):
        message = _send(world, "PASQX01")
    assert message.retour_due_on == datetime.date(2026, 4, 8)
    assert message.retour_due_on == werkdagen.add_werkdagen(datetime.date(2026, 4, 2), 3)


# --- notifications ---------------------------------------------------------------------------


def test_a_new_message_mails_the_receivers_address_without_personal_data(world, mail_outbox):
    _send(world, "N1")
    [mail] = mail_outbox.to("berichten@aanbieder.example")
    assert "JW301" in mail.body and "Gemeente Voorbeeld" in mail.body
    assert reverse("exchange:inbox") in mail.body
    assert "999900006" not in mail.body and "Wit" not in mail.body and "N1" not in mail.body
    assert not mail_outbox.to("berichten@gemeente.example")


def test_notifications_are_bundled_per_address(world, mail_outbox, settings):
    settings.KNOOPPUNT_EXCHANGE_NOTIFY_MINUTES = 15
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _send(world, "B1")
        run_queued()
        _send(world, "B2")
        _send(world, "B3")
        run_queued()
    assert len(mail_outbox.to("berichten@aanbieder.example")) == 1
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        tasks.notify_pending()
        run_queued()
    mails = mail_outbox.to("berichten@aanbieder.example")
    assert len(mails) == 2 and "2 nieuwe iJw-berichten" in mails[1].subject


# --- late retours ----------------------------------------------------------------------------


def test_a_late_retour_is_flagged_in_the_outbox_and_mailed_daily(client, world, mail_outbox):
    with time_machine.travel(datetime.datetime(2026, 4, 23, 10, tzinfo=AMSTERDAM), tick=False):
        late = _send(world, "LAATQX01")
        answered = _send(world, "TIJDQX02")
        services.offer(world.a_user, world.aanbieder, "ijw", "r.xml", jw302("TIJDQX02", "RETQX02"))
    assert late.retour_due_on == datetime.date(2026, 4, 29)
    with time_machine.travel(datetime.datetime(2026, 4, 29, 16, tzinfo=AMSTERDAM), tick=False):
        assert not Message.objects.get(pk=late.pk).is_late()
    with time_machine.travel(datetime.datetime(2026, 4, 30, 3, tzinfo=AMSTERDAM), tick=False):
        client.force_login(world.g_user)
        page = body(client.get(reverse("exchange:outbox") + "?laat=1"))
        # Identifications long enough never to turn up by chance in the page's random tokens.
        assert "LAATQX01" in page and "Te laat" in page and "TIJDQX02" not in page
        mail_outbox.messages()  # the upload notifications
        housekeeping.run(timezone.now(), only=["exchange.late_retours"])
    [digest] = [m for m in mail_outbox.to("berichten@gemeente.example") if "late" in m.subject]
    assert "LAATQX01" in digest.body and "TIJDQX02" not in digest.body
    assert "1 late" in digest.subject
    assert answered.pk


def test_a_declaratie_waits_ten_werkdagen_for_its_325():
    from knooppunt.exchange.standards.registry import by_name

    assert by_name("JW323", "3.2").kind.due_werkdagen == 10
    assert by_name("JW323", "3.2").answered_by().name == "JW325"


# --- retention -----------------------------------------------------------------------------


def test_retention_removes_payloads_then_metadata_and_the_screens_say_so(client, world, settings):
    settings.KNOOPPUNT_EXCHANGE_PAYLOAD_DAYS = 60
    settings.KNOOPPUNT_EXCHANGE_UNRETRIEVED_DAYS = 90
    settings.KNOOPPUNT_EXCHANGE_METADATA_DAYS = 730
    start = timezone.now()
    retrieved, never = _send(world, "K1"), _send(world, "K2")
    client.force_login(world.a_user)
    client.post(reverse("exchange:download", args=[retrieved.pk]))
    store = storages["exchange"]
    with time_machine.travel(start + datetime.timedelta(days=61), tick=False):
        housekeeping.run(timezone.now(), only=["exchange.retention"])
    retrieved.refresh_from_db()
    never.refresh_from_db()
    assert retrieved.payload == "" and retrieved.payload_removed_at is not None
    assert never.payload and store.exists(never.payload)
    assert "verwijderd (bewaartermijn)" in body(
        client.get(reverse("exchange:detail", args=[retrieved.pk]))
    )
    with time_machine.travel(start + datetime.timedelta(days=91), tick=False):
        services.purge(HOUSEKEEPING)
    never.refresh_from_db()
    assert never.payload == ""
    with time_machine.travel(start + datetime.timedelta(days=731), tick=False):
        services.purge(HOUSEKEEPING)
    assert not Message.objects.exists()


def test_refusals_are_kept_for_their_period(world, settings):
    services.offer(world.g_user, world.gemeente, "ijw", "x.xml", b"kapot")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=91), tick=False):
        services.purge(HOUSEKEEPING)
    assert not Refusal.objects.exists()


def test_the_sweep_removes_orphan_payloads_only(world):
    message = _send(world, "O1")
    store = storages["exchange"]
    orphan = store.save("berichten/2026/01/01/wees.xml", ContentFile(b"<x/>"))
    fresh = store.save("berichten/2026/01/01/vers.xml", ContentFile(b"<x/>"))
    later = timezone.now() + datetime.timedelta(hours=2)
    # The fresh one was written just now (an upload that may be committing): kept.
    import os

    old = (timezone.now() - datetime.timedelta(hours=3)).timestamp()
    os.utime(store.path(orphan), (old, old))
    os.utime(store.path(message.payload), (old, old))
    with time_machine.travel(later - datetime.timedelta(hours=2), tick=False):
        services.purge(HOUSEKEEPING)
    assert not store.exists(orphan)
    assert store.exists(fresh) and store.exists(message.payload)


def test_housekeeping_lists_the_exchange_jobs():
    names = {j.name for j in housekeeping.jobs()}
    assert {"exchange.retention", "exchange.late_retours"} <= names
