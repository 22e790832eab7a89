"""The retention purge: after the decision (or withdrawal) plus the configured period, daily
housekeeping deletes the attachments and empties the client data; the screen says when it will
happen and that it happened."""

import datetime
import pathlib

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from knooppunt.aanvragen import services
from knooppunt.aanvragen.models import Bijlage
from knooppunt.audit.models import AuditEvent
from knooppunt.core import housekeeping

from .conftest import submitted

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _decided(world):
    aanvraag = services.confirm_receipt(world.operator, submitted(world.user))
    aanvraag = services.start_assessment(world.operator, aanvraag, "Beoordeling door J. Arts")
    return services.decide(world.operator, aanvraag, "toegekend", timezone.localdate())


def _files(settings) -> list[pathlib.Path]:
    root = pathlib.Path(settings.STORAGES["bijlagen"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()]


def test_after_the_retention_period_attachments_and_client_data_are_gone(world, settings, client):
    settings.KNOOPPUNT_AANVRAGEN_RETENTION_DAYS = 30
    with time_machine.travel(START, tick=False) as traveller:
        aanvraag = _decided(world)
        withdrawn = services.withdraw(world.user, submitted(world.user), "Verhuisd")
        open_one = submitted(world.user)
        assert len(_files(settings)) == 6
        client.force_login(world.user)
        page = client.get(reverse("aanvragen:detail", args=[aanvraag.pk])).content.decode()
        assert "Bewaartermijn: op 01-04-2026 (30 dagen na de afhandeling)" in page

        traveller.shift(datetime.timedelta(days=29))
        assert housekeeping.run(only=["aanvragen.minimise"]) == {"aanvragen.minimise": 0}

        traveller.shift(datetime.timedelta(days=2))
        assert housekeeping.run(only=["aanvragen.minimise"]) == {"aanvragen.minimise": 2}
        assert housekeeping.run(only=["aanvragen.minimise"]) == {"aanvragen.minimise": 0}

    for gone in (aanvraag, withdrawn):
        gone.refresh_from_db()
        assert gone.minimised
        assert (gone.bsn, gone.bsn_hash, gone.achternaam, gone.voorletters) == ("", "", "", "")
        assert gone.geboortedatum is None and gone.toelichting == ""
        assert not Bijlage.objects.filter(aanvraag=gone).exists()
        assert not gone.historie.exclude(opmerking="").exists()
        # What stays: number, kind, organisation, status, outcome, dates, who did what.
        assert gone.historie.count() >= 2 and gone.ingediend_at is not None
    assert aanvraag.uitkomst == "toegekend"
    assert len(_files(settings)) == 2  # the open application keeps its attachments
    open_one.refresh_from_db()
    assert not open_one.minimised and open_one.achternaam == "Vries"
    events = AuditEvent.objects.filter(action="aanvragen.minimised")
    assert events.count() == 2 and events.first().actor_username == "housekeeping"

    client.force_login(world.user)  # the session of March has long timed out
    page = client.get(reverse("aanvragen:detail", args=[aanvraag.pk])).content.decode()
    assert "zijn de bijlagen verwijderd en de gegevens van de cliënt gewist" in page
    assert "Vries" not in page
    listed = client.get(reverse("aanvragen:list")).content.decode()
    assert "verwijderd" in listed
    # A minimised application takes no further step.
    with pytest.raises(services.ValidationError):
        services.withdraw(world.user, aanvraag, "x")


def test_the_job_is_listed_in_housekeeping():
    assert "aanvragen.minimise" in {j.name for j in housekeeping.jobs()}
