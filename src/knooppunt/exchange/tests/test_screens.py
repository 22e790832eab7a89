"""The screens: inbox and outbox with search, sort and paging in the URL; the detail page with
the header, the history and "Gerelateerde berichten"; downloads, one or several, audited per
message, the receiver's first one setting Opgehaald; the access contract of the namespace."""

import io
import zipfile

import pytest
from django.urls import reverse

from knooppunt.audit.models import AuditEvent
from knooppunt.exchange import services
from knooppunt.exchange.models import Message, Status
from knooppunt.testing.factories import (
    AdministratorFactory,
    OperatorUserFactory,
    OrganisationFactory,
    UserFactory,
    grant,
)
from knooppunt.testing.views import ScreenAccessContract, ScreenWorld, body, screens

from .conftest import AANBIEDER, GEMEENTE, gebruiker, jw301, jw302

pytestmark = pytest.mark.django_db


def _send(world, ident="S1"):
    [outcome] = services.offer(world.g_user, world.gemeente, "ijw", f"{ident}.xml", jw301(ident))
    assert outcome.accepted, outcome.findings
    return outcome.message


def test_the_receiver_sees_it_downloads_it_and_the_sender_sees_opgehaald(client, world):
    message = _send(world)
    client.force_login(world.a_user)
    page = body(client.get(reverse("exchange:inbox")))
    assert "S1" in page and "Gemeente Voorbeeld" in page
    response = client.post(reverse("exchange:download", args=[message.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == jw301("S1")
    message.refresh_from_db()
    assert message.status == Status.OPGEHAALD and message.retrieved_by_name == world.a_user.username
    assert (
        AuditEvent.objects.filter(action="exchange.download", object_id=str(message.pk)).count()
        == 1
    )
    client.force_login(world.g_user)
    outbox = body(client.get(reverse("exchange:outbox")))
    assert "Opgehaald" in outbox
    detail = body(client.get(reverse("exchange:detail", args=[message.pk])))
    assert "opgehaald op" in detail and world.a_user.username in detail


def test_the_sender_downloading_its_own_message_does_not_set_opgehaald(client, world):
    message = _send(world)
    client.force_login(world.g_user)
    assert client.post(reverse("exchange:download", args=[message.pk])).status_code == 200
    message.refresh_from_db()
    assert message.status == Status.AANGEBODEN


def test_several_as_a_zip_each_audited(client, world):
    first, second = _send(world, "Z1"), _send(world, "Z2")
    client.force_login(world.a_user)
    response = client.post(reverse("exchange:download_many"), {"ids": [first.pk, second.pk]})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 2
    events = AuditEvent.objects.filter(action="exchange.download")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(
        [str(first.pk), str(second.pk)]
    )
    assert Message.objects.filter(status=Status.OPGEHAALD).count() == 2


def test_detail_shows_header_history_and_related(client, world):
    heen = _send(world, "H9")
    [retour] = services.offer(world.a_user, world.aanbieder, "ijw", "r.xml", jw302("H9", "R9"))
    client.force_login(world.g_user)
    page = body(client.get(reverse("exchange:detail", args=[heen.pk])))
    assert "Gerelateerde berichten" in page and "JW302 R9" in page
    assert GEMEENTE in page and AANBIEDER in page and "Aangeboden" in page
    page = body(client.get(reverse("exchange:detail", args=[retour.message.pk])))
    assert "JW301 H9" in page


def test_search_sort_and_paging_are_in_the_url(client, world):
    for n in range(30):
        _send(world, f"PGQX{n:02d}")
    client.force_login(world.a_user)
    url = reverse("exchange:inbox")
    page = body(client.get(url))
    assert "30 berichten gevonden" in page
    assert "PGQX29" in page and "PGQX00" not in page  # newest first
    # Each cell names its column for the stacked layout on a phone.
    assert 'data-label="Berichttype">JW301<' in page and 'data-label="Afzender">' in page
    assert "pagina=2" in page
    assert "PGQX00" in body(client.get(url + "?pagina=2"))
    assert "PGQX00" in body(client.get(url + "?sorteer=identificatie"))
    found = body(client.get(url + "?identificatie=PGQX07"))
    assert "1 bericht gevonden" in found
    assert "30 berichten" in body(client.get(url + "?tegenpartij=voorbeeld&type=JW301"))
    assert "0 berichten" in body(client.get(url + "?status=opgehaald"))
    # Bad values: a form error or the default, never a 500.
    for query in ("?van=gisteren", "?sorteer=drop", "?pagina=999999999999", "?type=XX"):
        assert client.get(url + query).status_code == 200, query


def test_the_inbox_query_count_does_not_grow_with_the_rows(
    client, world, django_assert_max_num_queries
):
    for n in range(5):
        _send(world, f"Q{n}")
    client.force_login(world.a_user)
    client.get(reverse("exchange:inbox"))
    with django_assert_max_num_queries(12):
        client.get(reverse("exchange:inbox"))


@pytest.mark.parametrize("kind", ["productbeheerder", "administrator", "operator"])
def test_no_inbox_without_the_gebruiker_role(client, world, kind):
    if kind == "productbeheerder":
        user = UserFactory(organisation=world.aanbieder)
        grant(user, "ijw", "productbeheerder")
        grant(user, "iwmo", "productbeheerder")
    elif kind == "administrator":
        user = AdministratorFactory(organisation=world.aanbieder)
    else:
        user = OperatorUserFactory()
    message = _send(world)
    client.force_login(user)
    for url in (
        reverse("exchange:inbox"),
        reverse("exchange:upload"),
        reverse("exchange:detail", args=[message.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("exchange:download", args=[message.pk])).status_code == 404


def test_a_long_list_counts_up_to_the_cap_and_says_more(client, world, monkeypatch):
    from knooppunt.exchange import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 4)
    for n in range(6):
        _send(world, f"CAPQX{n:02d}")
    client.force_login(world.a_user)
    page = body(client.get(reverse("exchange:inbox")))
    assert "Meer dan 4 berichten gevonden; verfijn de zoekopdracht." in page
    assert "CAPQX05" in page  # the newest still first
    narrowed = body(client.get(reverse("exchange:inbox") + "?identificatie=CAPQX01"))
    assert "1 bericht gevonden" in narrowed and "Meer dan" not in narrowed


def test_an_ijw_gebruiker_sees_no_iwmo_messages(client, world):
    from .conftest import wmo301

    [outcome] = services.offer(world.g_user, world.gemeente, "iwmo", "w.xml", wmo301("WMOQX01"))
    assert outcome.accepted, outcome.findings
    only_ijw = gebruiker(world.aanbieder, products=("ijw",))
    client.force_login(only_ijw)
    assert "WMOQX01" not in body(client.get(reverse("exchange:inbox")))
    assert client.get(reverse("exchange:detail", args=[outcome.message.pk])).status_code == 404


def test_payload_removed_is_said_on_the_screens(client, world):
    from django.utils import timezone

    message = _send(world)
    Message.objects.filter(pk=message.pk).update(payload="", payload_removed_at=timezone.now())
    client.force_login(world.a_user)
    assert "is op" in body(client.get(reverse("exchange:detail", args=[message.pk])))
    assert "inhoud verwijderd" in body(client.get(reverse("exchange:inbox")))
    assert client.post(reverse("exchange:download", args=[message.pk])).status_code == 410


class TestExchangeScreens(ScreenAccessContract):
    """Every URL of the namespace: login required, 404 without the Gebruiker role, 404 for
    another organisation's ids, CSRF enforced."""

    namespaces = ("exchange",)

    @pytest.fixture
    def screen_world(self, db):
        from knooppunt.exchange.models import Refusal

        own = OrganisationFactory(naam="Gemeente Eigen", gemeentecode="0384")
        other = OrganisationFactory(naam="Gemeente Anders", gemeentecode="0385")
        from knooppunt.organisations.models import OrganisationType

        third = OrganisationFactory(
            naam="Zorg Derde",
            type=OrganisationType.ZORGAANBIEDER,
            gemeentecode="",
            agb_code=AANBIEDER,
        )
        user = gebruiker(own)
        gebruiker(third)
        [outcome] = services.offer(user, own, "ijw", "a.xml", jw301("C1"))
        refusal = Refusal.objects.create(
            organisation=own,
            product="ijw",
            filename="x.xml",
            uploaded_by_name="x",
            channel="browser",
        )
        ordinary = UserFactory(organisation=own)
        grant(ordinary, "ijw", "productbeheerder")
        return ScreenWorld(
            admin=user,
            colleague=user,
            other_admin=gebruiker(other),
            ordinary=ordinary,
            extra={"pk": outcome.message.pk, "refusal": refusal.pk},
        )


def test_the_walk_finds_every_screen():
    names = {s.viewname for s in screens("exchange")}
    assert {"exchange:inbox", "exchange:outbox", "exchange:detail", "exchange:download"} <= names


def test_the_dashboard_tile_counts_the_waiting_messages(client, world):
    _send(world, "T1")
    client.force_login(world.a_user)
    assert "1 bericht wacht op ophalen" in body(client.get(reverse("core:welcome")))
