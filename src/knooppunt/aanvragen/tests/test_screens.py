"""The submitter's screens: the access contract over every URL of the namespace, Kies aanvraag
by profile (also when posted by hand), the form with its attachments, Concept and Indienen with
what is missing, the list's search, filter and sort with pinned query counts, and every kind
of bad input answered in Dutch without a 500 or anything half-saved."""

import datetime

import pytest
from django.urls import reverse

from knooppunt.aanvragen import services
from knooppunt.aanvragen.models import Aanvraag, Bijlage, Status
from knooppunt.aanvragen.services import Upload
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import UserFactory
from knooppunt.testing.views import ScreenAccessContract, ScreenWorld, screens

from . import files
from .conftest import BSN, OTHER_BSN, data, gebruiker, submitted, uploads_for, zorgaanbieder

pytestmark = pytest.mark.django_db


class TestAanvragenScreens(ScreenAccessContract):
    """Every URL of "aanvragen": login required, no entry without the Gebruiker role of
    Wlz-aanvragen, another organisation's ids a 404 (GET and POST), CSRF enforced."""

    namespaces = ("aanvragen",)

    @pytest.fixture
    def screen_world(self, db):
        own = zorgaanbieder("Zorggroep Eigen")
        other = zorgaanbieder("Zorggroep Anders")
        user = gebruiker(own)
        aanvraag = services.create_draft(
            user, "regulier", data(), uploads_for("regulier", signed=True)
        )
        return ScreenWorld(
            admin=user,  # the one who may: a Gebruiker of the product
            colleague=user,
            other_admin=gebruiker(other),
            ordinary=UserFactory(organisation=own),  # no Wlz-aanvragen role
            extra={"pk": aanvraag.pk, "bijlage": aanvraag.bijlagen.first().pk},
        )


def test_the_contract_walks_every_screen():
    names = {s.viewname for s in screens("aanvragen")}
    assert names == {
        "aanvragen:list",
        "aanvragen:new",
        "aanvragen:detail",
        "aanvragen:edit",
        "aanvragen:submit",
        "aanvragen:delete",
        "aanvragen:withdraw",
        "aanvragen:supplement",
        "aanvragen:download",
        "aanvragen:remove_attachment",
    }


def test_a_user_of_an_organisation_without_the_product_gets_nothing(client, world):
    organisation = zorgaanbieder("Zonder product", products=["iwmo"])
    user = gebruiker(organisation)  # the grant is there, the product is not
    client.force_login(user)
    assert client.get(reverse("aanvragen:list")).status_code == 404
    assert client.get(reverse("aanvragen:new")).status_code == 404


def test_the_menu_shows_aanvragen_to_the_products_users_only(client, world):
    client.force_login(world.user)
    assert 'href="/aanvragen/"' in client.get(reverse("core:welcome")).content.decode()
    client.force_login(UserFactory(organisation=world.organisation))
    assert 'href="/aanvragen/"' not in client.get(reverse("core:welcome")).content.decode()


# --- Kies aanvraag ----------------------------------------------------------------------------


def test_kies_aanvraag_offers_the_profiles_kinds(client, world):
    client.force_login(world.basis_user)
    page = client.get(reverse("aanvragen:new")).content.decode()
    assert "Kies aanvraag" in page
    assert "Reguliere Wlz-aanvraag" in page and "Wzd-toets artikel 21-aanvraag" in page
    assert "Partnerverblijf" not in page
    client.force_login(world.user)
    assert "Partnerverblijf" in client.get(reverse("aanvragen:new")).content.decode()


def test_a_kind_outside_the_profile_is_refused_when_posted_by_hand(client, world):
    client.force_login(world.basis_user)
    url = reverse("aanvragen:new")
    response = client.get(url, {"soort": "partnerverblijf"})
    assert "staat de aanvraagsoort Partnerverblijf niet toe" in response.content.decode()
    response = client.post(url, {"aanvraag": "1", "soort": "partnerverblijf", **_form()})
    assert response.status_code == 400
    assert "Het profiel Basis van uw organisatie" in response.content.decode()
    response = client.post(url, {"aanvraag": "1", "soort": "iets-anders", **_form()})
    assert response.status_code == 400
    assert not Aanvraag.objects.exists()


# --- the form ---------------------------------------------------------------------------------


def _form(**overrides) -> dict:
    values = {
        "bsn": BSN,
        "voorletters": "J.",
        "tussenvoegsel": "de",
        "achternaam": "Vries",
        "geboortedatum": "1940-05-17",
        "gewenste_datum": "2027-02-01",
        "toelichting": "Kan niet meer alleen wonen.",
        "ondertekenaar": "client",
        "ondertekening": "wacht",
        "aanmelder_functie": "Wijkverpleegkundige",
        "aanmelder_telefoon": "030 123 45 67",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def _new(client, soort="regulier", actie="indienen", **fields):
    return client.post(
        reverse("aanvragen:new"), {"aanvraag": "1", "soort": soort, "actie": actie, **fields}
    )


def test_a_complete_application_is_submitted_from_the_form(client, world):
    client.force_login(world.user)
    response = _new(
        client,
        "partnerverblijf",
        **_form(ondertekening="ondertekend"),
        **{
            "bijlage_verklaring-partnerverblijf": files.upload("verklaring.pdf", files.pdf()),
            "bijlage_ondertekening": files.upload("getekend.jpg", files.jpeg()),
        },
    )
    aanvraag = Aanvraag.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("aanvragen:detail", args=[aanvraag.pk])
    assert aanvraag.status == Status.INGEDIEND
    assert aanvraag.aanmelder == world.user
    assert aanvraag.aanmelder_naam == world.user.get_full_name()
    assert sorted(aanvraag.bijlagen.values_list("soort__code", flat=True)) == [
        "ondertekening",
        "verklaring-partnerverblijf",
    ]
    page = client.get(response["Location"]).content.decode()
    assert "De aanvraag is ingediend." in page
    assert "Ingediend" in page and "verklaring.pdf" in page


def test_indienen_of_an_incomplete_application_keeps_the_concept_and_lists_what_is_missing(
    client, world
):
    client.force_login(world.user)
    response = _new(client, "wzd-artikel-21", **_form(gewenste_datum=""))
    aanvraag = Aanvraag.objects.get()
    assert aanvraag.status == Status.CONCEPT
    assert response["Location"] == reverse("aanvragen:edit", args=[aanvraag.pk])
    page = client.get(response["Location"]).content.decode()
    assert "De aanvraag is opgeslagen als concept, maar nog niet ingediend." in page
    assert "opnamedatum" in page
    assert "bijlage: Medische informatie" in page and "bijlage: Wzd-verklaring (artikel 21)" in page


def test_concept_then_edit_then_indienen(client, world):
    client.force_login(world.user)
    _new(client, "regulier", actie="concept", bsn="", achternaam="Vries")
    aanvraag = Aanvraag.objects.get()
    detail = client.get(reverse("aanvragen:detail", args=[aanvraag.pk])).content.decode()
    assert "Om deze aanvraag in te dienen ontbreekt nog:" in detail
    assert "BSN van de cliënt" in detail
    edit = reverse("aanvragen:edit", args=[aanvraag.pk])
    assert 'value="Vries"' in client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            "aanvraag": "1",
            "actie": "indienen",
            **_form(ondertekening="ondertekend"),
            "bijlage_medische-informatie": files.upload("medisch.pdf", files.pdf()),
            "bijlage_ondertekening": files.upload("getekend.png", files.png()),
        },
    )
    assert response.status_code == 302
    aanvraag.refresh_from_db()
    assert aanvraag.status == Status.INGEDIEND
    # Once submitted, the concept's screens say no.
    assert client.get(edit).status_code == 302
    response = client.post(reverse("aanvragen:delete", args=[aanvraag.pk]), follow=True)
    assert "Verwijderen kan niet bij een aanvraag met de status Ingediend" in (
        response.content.decode()
    )


def test_removing_an_attachment_and_deleting_a_concept(client, world, settings):
    client.force_login(world.user)
    aanvraag = services.create_draft(world.user, "regulier", data(), uploads_for("regulier"))
    bijlage = aanvraag.bijlagen.get()
    stored = bijlage.opslagnaam
    storage_root = settings.STORAGES["bijlagen"]["OPTIONS"]["location"]
    import pathlib

    assert (pathlib.Path(storage_root) / stored).exists()
    url = reverse("aanvragen:remove_attachment", args=[aanvraag.pk, bijlage.pk])
    assert client.get(url).status_code == 405
    client.post(url)
    assert not aanvraag.bijlagen.exists()
    assert not (pathlib.Path(storage_root) / stored).exists()
    assert client.get(reverse("aanvragen:delete", args=[aanvraag.pk])).status_code == 200
    response = client.post(reverse("aanvragen:delete", args=[aanvraag.pk]))
    assert response["Location"] == reverse("aanvragen:list")
    assert not Aanvraag.objects.exists()


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"bsn": "123456789"}, "Dit is geen geldig BSN"),
        ({"geboortedatum": "2999-01-01"}, "De geboortedatum kan niet in de toekomst liggen."),
        ({"geboortedatum": "31-02-1950"}, "Vul een geldige datum in (dd-mm-jjjj)."),
        ({"ondertekenaar": "buurman"}, "Selecteer een geldige keuze"),
        ({"aanmelder_telefoon": "onbekend"}, "Vul een telefoonnummer van 10 cijfers in"),
    ],
)
def test_bad_fields_get_a_dutch_message_and_nothing_is_saved(client, world, fields, message):
    client.force_login(world.user)
    response = _new(
        client,
        **_form(**fields),
        **{"bijlage_medische-informatie": files.upload("medisch.pdf", files.pdf())},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "De aanvraag is niet opgeslagen." in page
    assert message in page
    assert not Aanvraag.objects.exists() and not Bijlage.objects.exists()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("medisch.pdf", files.png(), "De inhoud van medisch.pdf is een PNG-bestand"),
        ("foto.png", files.jpeg(), "De inhoud van foto.png is een JPEG-bestand"),
        ("brief.docx", b"PK\x03\x04" + b"\0" * 200, "brief.docx is geen PDF, JPEG of PNG"),
        ("leeg.pdf", b"", "leeg.pdf is leeg."),
        ("script.pdf", files.pdf_with_javascript(), "script.pdf bevat JavaScript"),
        ("bijlage.pdf", files.pdf_with_embedded_file(), "bijlage.pdf bevat ingesloten bestanden"),
        ("geheim.pdf", files.pdf_with_password(), "geheim.pdf is beveiligd met een wachtwoord"),
        ("kapot.pdf", files.pdf()[:150], "kapot.pdf is beschadigd"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_saved(client, world, name, content, message):
    client.force_login(world.user)
    response = _new(
        client,
        actie="concept",
        **_form(),
        **{"bijlage_medische-informatie": files.upload(name, content)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Aanvraag.objects.exists() and not Bijlage.objects.exists()


def test_a_pdf_bomb_and_a_file_too_large_are_refused(client, world, settings, tmp_path):
    settings.KNOOPPUNT_AANVRAGEN_PDF_MAX_UNPACKED_MB = 4
    settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGE_MB = 1
    client.force_login(world.user)
    response = _new(
        client,
        actie="concept",
        **_form(),
        **{"bijlage_medische-informatie": files.upload("bom.pdf", files.pdf_bomb(8))},
    )
    assert "bom.pdf pakt uit tot veel meer gegevens" in response.content.decode()
    big = files.upload("groot.png", files.png() + b"\0" * (1024 * 1024))
    response = _new(client, actie="concept", **_form(), **{"bijlage_overig": big})
    assert "groot.png is groter dan 1 MB." in response.content.decode()
    assert not Aanvraag.objects.exists()
    assert not list((tmp_path / "bijlagen").rglob("*")) or not any(
        p.is_file() for p in (tmp_path / "bijlagen").rglob("*")
    )


def test_a_body_larger_than_all_attachments_together_is_refused_before_reading(client, world):
    client.force_login(world.user)
    response = client.post(
        reverse("aanvragen:new"),
        data=b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "De bijlagen zijn samen te groot" in response.content.decode()


def test_unknown_ids_are_404_not_500(client, world):
    client.force_login(world.user)
    for url in ("/aanvragen/999999/", "/aanvragen/999999/bijlagen/1/", "/aanvragen/0/intrekken/"):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


# --- the list ---------------------------------------------------------------------------------


def test_the_list_searches_by_name_bsn_and_number_and_filters_by_status(client, world):
    first = submitted(world.user)
    second = services.create_draft(
        world.user, "regulier", data(bsn=OTHER_BSN, achternaam="Jansen", voorletters="K.")
    )
    submitted(world.other_user, achternaam="Vries")  # another organisation's: never shown
    client.force_login(world.user)

    def numbers(**params):
        response = client.get(reverse("aanvragen:list"), params)
        return [item["aanvraag"].pk for item in response.context["items"]]

    assert sorted(numbers()) == sorted([first.pk, second.pk])
    assert numbers(zoeken="vries") == [first.pk]
    assert numbers(zoeken="K Jansen") == [second.pk]
    assert numbers(zoeken=OTHER_BSN) == [second.pk]
    assert numbers(zoeken="1234 56 782") == [second.pk]
    assert numbers(zoeken="12345678") == []  # part of a BSN finds nothing
    assert numbers(zoeken=str(first.pk)) == [first.pk]
    assert numbers(status="concept") == [second.pk]
    assert numbers(status="ingediend") == [first.pk]
    assert numbers(status="onzin") != []  # an unknown status filters nothing


def test_the_list_sorts_by_deadline_and_flags_late_ones(client, world):
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)):
        old = submitted(world.user)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)):
        urgent = submitted(world.user, spoed=True, spoed_reden="Mantelzorg valt weg")
        regular = submitted(world.user)
    client.force_login(world.user)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=datetime.UTC)):
        response = client.get(reverse("aanvragen:list"), {"sorteer": "termijn"})
        assert [i["aanvraag"].pk for i in response.context["items"]] == [
            old.pk,
            urgent.pk,
            regular.pk,
        ]
        page = response.content.decode()
        assert 'aria-sort="ascending"' in page
        assert page.count("Te laat") == 1
        response = client.get(reverse("aanvragen:list"), {"sorteer": "-termijn"})
        assert [i["aanvraag"].pk for i in response.context["items"]][0] == regular.pk
        response = client.get(reverse("aanvragen:list"), {"te_laat": "1"})
        assert [i["aanvraag"].pk for i in response.context["items"]] == [old.pk]


def test_the_list_has_a_pinned_query_count(client, world, django_assert_num_queries):
    client.force_login(world.user)
    url = reverse("aanvragen:list")
    submitted(world.user)
    client.get(url)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(12):
        services.create_draft(world.user, "regulier", data(achternaam=f"Client{n}"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["items"]) == 13
    assert len(many) == len(one)
    with django_assert_num_queries(len(one)):
        client.get(url)
    assert len(one) <= 10, [q["sql"] for q in one.captured_queries]


# --- opening, downloading, NEN 7513 -----------------------------------------------------------


def test_opening_and_downloading_are_logged_with_the_keyed_bsn(client, world):
    from knooppunt.aanvragen.clients import bsn_hash

    aanvraag = submitted(world.user)
    bijlage = aanvraag.bijlagen.first()
    client.force_login(world.user)
    client.get(reverse("aanvragen:detail", args=[aanvraag.pk]))
    response = client.get(reverse("aanvragen:download", args=[aanvraag.pk, bijlage.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    opened = AuditEvent.objects.get(action="aanvragen.opened")
    downloaded = AuditEvent.objects.get(action="aanvragen.attachment_downloaded")
    for event in (opened, downloaded):
        assert event.actor_username == world.user.username
        assert event.organisation_id == world.organisation.pk
        assert event.object_id == str(aanvraag.pk)
        assert event.details["client"] == bsn_hash(BSN)
        assert BSN not in str(event.details) and "Vries" not in event.object_repr
    assert downloaded.details["bijlage"] == bijlage.pk


def test_another_organisations_attachment_is_404_even_through_an_own_application(client, world):
    own = submitted(world.user)
    foreign = submitted(world.other_user)
    client.force_login(world.user)
    url = reverse("aanvragen:download", args=[own.pk, foreign.bijlagen.first().pk])
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="aanvragen.attachment_downloaded").exists()


# --- the submitter's steps --------------------------------------------------------------------


def test_withdrawing_needs_a_reason_and_not_after_the_decision(client, world):
    aanvraag = submitted(world.user)
    client.force_login(world.user)
    url = reverse("aanvragen:withdraw", args=[aanvraag.pk])
    response = client.post(url, {"reden": ""})
    assert response.status_code == 400 and "Vul de reden in." in response.content.decode()
    response = client.post(url, {"reden": "Cliënt verhuisd"})
    assert response.status_code == 302
    aanvraag.refresh_from_db()
    assert aanvraag.status == Status.INGETROKKEN
    response = client.post(url, {"reden": "Nog eens"})
    assert response.status_code == 400
    assert "Intrekken kan niet bij een aanvraag met de status Ingetrokken" in (
        response.content.decode()
    )


def test_supplementing_through_the_screen_resumes(client, world):
    aanvraag = services.confirm_receipt(world.operator, submitted(world.user, signed=False))
    aanvraag = services.suspend(world.operator, aanvraag, "Handtekening nodig", ["handtekening"])
    client.force_login(world.user)
    detail = client.get(reverse("aanvragen:detail", args=[aanvraag.pk])).content.decode()
    assert "Opgeschort: aanvulling nodig" in detail and "Handtekening nodig" in detail
    assert "Termijn gepauzeerd" in detail
    url = reverse("aanvragen:supplement", args=[aanvraag.pk])
    assert "Ondertekend aanvraagformulier" in client.get(url).content.decode()
    response = client.post(url, {"opmerking": "Zonder bestand"})
    assert response.status_code == 400
    assert "Voeg toe wat er is gevraagd: handtekening." in response.content.decode()
    response = client.post(
        url,
        {
            "opmerking": "Getekend",
            "bijlage_ondertekening": files.upload("getekend.pdf", files.pdf()),
        },
    )
    assert response.status_code == 302
    aanvraag.refresh_from_db()
    assert aanvraag.status == Status.ONTVANGEN


def test_a_suspended_application_shows_no_supplement_once_resumed(client, world):
    aanvraag = submitted(world.user)
    client.force_login(world.user)
    response = client.post(
        reverse("aanvragen:supplement", args=[aanvraag.pk]),
        {"bijlage_overig": files.upload("x.pdf", files.pdf())},
    )
    assert response.status_code == 400
    assert (
        "Aanvullen kan niet bij een aanvraag met de status Ingediend" in response.content.decode()
    )
    assert aanvraag.bijlagen.count() == 2


def test_the_history_is_shown_to_the_submitter(client, world):
    aanvraag = services.confirm_receipt(world.operator, submitted(world.user), "Ontvangen, dank")
    client.force_login(world.user)
    page = client.get(reverse("aanvragen:detail", args=[aanvraag.pk])).content.decode()
    assert "Concept → Ingediend" in page and "Ingediend → Ontvangen" in page
    assert "Ontvangen, dank" in page and "ciz" in page


def test_uploads_count_towards_the_limit_on_screen(client, world, settings):
    settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGEN = 1
    aanvraag = services.create_draft(world.user, "regulier", data(), uploads_for("regulier"))
    client.force_login(world.user)
    response = client.post(
        reverse("aanvragen:edit", args=[aanvraag.pk]),
        {
            "aanvraag": "1",
            "actie": "concept",
            **_form(),
            "bijlage_overig": [
                files.upload("a.png", files.png()),
            ],
        },
    )
    assert response.status_code == 400
    assert "ten hoogste 1 bijlagen" in response.content.decode()
    assert Upload  # the service's own type, used by the other tests


def test_the_screens_speak_english_when_chosen(client, world, settings):
    from django.utils import translation

    aanvraag = submitted(world.user)
    client.force_login(world.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        page = client.get(reverse("aanvragen:list")).content.decode()
        assert "Applications" in page and "Decision deadline" in page
        page = client.get(reverse("aanvragen:detail", args=[aanvraag.pk])).content.decode()
        assert "Regular Wlz application" in page and "History of the application" in page
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the request left English active


def test_the_edit_form_is_logged_as_opening_too(client, world):
    aanvraag = services.create_draft(world.user, "regulier", data())
    client.force_login(world.user)
    client.get(reverse("aanvragen:edit", args=[aanvraag.pk]))
    assert AuditEvent.objects.filter(action="aanvragen.opened", object_id=str(aanvraag.pk)).exists()


def test_the_welcome_tiles(client, world):
    aanvraag = services.confirm_receipt(world.operator, submitted(world.user))
    services.suspend(world.operator, aanvraag, "Brief", ["overig"])
    services.create_draft(world.user, "regulier", data())
    submitted(world.user)
    client.force_login(world.user)
    page = client.get(reverse("core:welcome")).content.decode()
    assert "1 aanvraag wacht op uw aanvulling" in page and "1 concept" in page
    client.force_login(world.operator)
    page = client.get(reverse("core:welcome")).content.decode()
    assert "Wlz-aanvragen: werkvoorraad" in page
    assert "1 nieuwe aanvraag (ontvangst bevestigen)" in page and "1 opgeschort" in page
