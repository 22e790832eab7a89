"""The bulk check: a CSV of BSN + geboortedatum (up to 10,000 rows) with one reason, processed
by a job with progress; the result downloadable once by the uploader, then deleted after a
configurable time; each row logged as a lookup; bad files get a clear Dutch message."""

import datetime
import io

import pytest
from django.urls import reverse

from knooppunt.audit.models import AuditEvent
from knooppunt.core import housekeeping
from knooppunt.jobs.queue import run_queued
from knooppunt.registertoets import selectors
from knooppunt.registertoets.models import BulkCheck, BulkResultChunk, JobStatus, Raadpleging
from knooppunt.testing.factories import UserFactory, grant

from .conftest import row

pytestmark = pytest.mark.django_db
URL = "/wlz-registertoets/bestand/"


def upload(client, content: bytes, reden="samenloop-wmo", name="inwoners.csv"):
    handle = io.BytesIO(content)
    handle.name = name
    return client.post(URL, {"bestand": handle, "reden": reden})


def test_a_file_is_checked_by_a_job_and_downloaded_once(client, gebruiker, register):
    register(row(zzp="754"), row(bsn="123456782", geboortedatum="1950-07-01", besluit="B2",
                                negatief="1"))  # fmt: skip
    client.force_login(gebruiker)
    response = upload(
        client,
        b"bsn,geboortedatum\n111222333,1938-04-12\n123456782,1950-07-01\n999999990,2000-01-01\n",
    )
    check = BulkCheck.objects.get()
    detail = reverse("registertoets:bulk_detail", args=[check.pk])
    assert response["Location"] == detail
    page = client.get(detail).content.decode()
    assert "<progress" in page and "voortgang.js" in page
    assert "0 van 3 regels verwerkt" in page
    assert not Raadpleging.objects.exists()
    run_queued()
    page = client.get(detail).content.decode()
    assert "Klaar: 3 regels gecontroleerd, 1 keer Ja." in page
    assert "voortgang.js" not in page
    download = reverse("registertoets:bulk_download", args=[check.pk])
    response = client.post(download)
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == (
        "bsn;geboortedatum;wlz_indicatie;zorgprofielen;ingangsdatum;einddatum;afgiftedatum"
    )
    assert lines[1].startswith("111222333;1938-04-12;Ja;754 5VV: Beschermd wonen")
    assert lines[2] == "123456782;1950-07-01;Nee;;;;"
    assert lines[3] == "999999990;2000-01-01;Nee;;;;"
    assert not BulkResultChunk.objects.exists()  # deleted with the download
    again = client.post(download, follow=True)
    assert "niet meer beschikbaar" in again.content.decode()
    rows = Raadpleging.objects.order_by("id")
    assert [r.uitkomst for r in rows] == ["ja", "nee", "nee"]
    assert {r.kanaal for r in rows} == {"bulk"} and {r.reden for r in rows} == {"samenloop-wmo"}
    assert {r.actor_id for r in rows} == {gebruiker.pk}
    event = AuditEvent.objects.get(action="registertoets.raadpleging")
    assert event.details["aantal"] == 3 and event.details["ja"] == 1
    assert AuditEvent.objects.filter(action="registertoets.bulk_download").count() == 1


def test_semicolons_a_bom_and_crlf_are_fine(client, gebruiker):
    client.force_login(gebruiker)
    response = upload(client, "\ufeffBSN;Geboortedatum\r\n111222333;1938-04-12\r\n".encode())
    assert response.status_code == 302
    assert BulkCheck.objects.get().total == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("bsn,geboortedatum\n111222333,1938-04-12\n".encode("utf-16"), "UTF-16"),
        (b"bsn,geboortedatum\n111222333,1938-04-12\n\xe9\n", "geen UTF-8 (regel 3)"),
        (b"bsn\n111222333\n", "precies de kolommen bsn,geboortedatum"),
        (b"bsn,geboortedatum,naam\n111222333,1938-04-12,Jan\n", "precies de kolommen"),
        (b"", "Het bestand is leeg"),
        (b"bsn,geboortedatum\n", "geen cliënten"),
        (
            b"bsn,geboortedatum\n" + b"111222333,1938-04-12\n" * 10_001,
            "meer dan 10.000 regels",
        ),
        (
            b"bsn,geboortedatum\n123456789,1938-04-12\n111222333,2999-01-01\n1234,x\n",
            "Regel 2: Dit is geen geldig BSN",
        ),
    ],
)
def test_a_bad_file_gets_a_clear_dutch_message(client, gebruiker, content, message):
    client.force_login(gebruiker)
    response = upload(client, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BulkCheck.objects.exists()
    assert not Raadpleging.objects.exists()


def test_every_bad_row_is_listed(client, gebruiker):
    client.force_login(gebruiker)
    html = upload(
        client, b"bsn,geboortedatum\n123456789,1938-04-12\n111222333,2999-01-01\n1234,x\n"
    ).content.decode()
    assert "Regel 2: Dit is geen geldig BSN" in html
    assert "Regel 3: De geboortedatum ligt in de toekomst." in html
    assert "Regel 4: Een BSN bestaat uit 9 cijfers. De geboortedatum is geen datum" in html


def test_10000_rows_are_accepted(client, gebruiker):
    client.force_login(gebruiker)
    response = upload(client, b"bsn,geboortedatum\n" + b"111222333,1938-04-12\n" * 10_000)
    assert response.status_code == 302


def test_the_reason_is_required(client, gebruiker):
    client.force_login(gebruiker)
    html = upload(client, b"bsn,geboortedatum\n111222333,1938-04-12\n", reden="").content.decode()
    assert "Kies de reden van de raadpleging." in html


def test_only_the_uploader_sees_and_downloads_the_result(client, gebruiker, gemeente):
    client.force_login(gebruiker)
    upload(client, b"bsn,geboortedatum\n111222333,1938-04-12\n")
    run_queued()
    check = BulkCheck.objects.get()
    colleague = UserFactory(organisation=gemeente)
    grant(colleague, "wlz-registertoets", "gebruiker")
    client.force_login(colleague)
    assert client.get(reverse("registertoets:bulk_detail", args=[check.pk])).status_code == 404
    assert client.post(reverse("registertoets:bulk_download", args=[check.pk])).status_code == 404
    assert check.pk not in [c.pk for c in selectors.own_bulk_checks(colleague)]


def test_an_unfetched_result_is_deleted_after_the_configured_hours(client, gebruiker, settings):
    settings.KNOOPPUNT_REGISTERTOETS_RESULT_HOURS = 2
    client.force_login(gebruiker)
    upload(client, b"bsn,geboortedatum\n111222333,1938-04-12\n")
    run_queued()
    check = BulkCheck.objects.get()
    assert check.expires_at - check.finished_at == datetime.timedelta(hours=2)
    now = check.finished_at + datetime.timedelta(hours=1)
    assert housekeeping.run(now, only=["registertoets.purge_results"]) == {
        "registertoets.purge_results": 0
    }
    now = check.finished_at + datetime.timedelta(hours=2, minutes=1)
    assert housekeeping.run(now, only=["registertoets.purge_results"]) == {
        "registertoets.purge_results": 1
    }
    check.refresh_from_db()
    assert check.purged_at and not BulkResultChunk.objects.exists() and check.invoer == ""
    response = client.post(reverse("registertoets:bulk_download", args=[check.pk]), follow=True)
    assert "niet meer beschikbaar" in response.content.decode()


def test_a_job_for_a_user_who_may_no_longer_stops(client, gebruiker):
    client.force_login(gebruiker)
    upload(client, b"bsn,geboortedatum\n111222333,1938-04-12\n")
    gebruiker.role_grants.all().delete()
    run_queued()
    check = BulkCheck.objects.get()
    assert check.status == JobStatus.FAILED
    assert not Raadpleging.objects.exists()
