""" "Aanmelden gebruikersbeheerder" (BIDN 2): the public form, its checks (PDF by content, size,
CSRF, a limit per address), nothing created before the operator acts, and the operator's
accept and reject, each audited."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from knooppunt.aanmelding import services
from knooppunt.aanmelding.models import Aanmelding, Status
from knooppunt.accounts.models import Status as UserStatus
from knooppunt.accounts.models import User
from knooppunt.audit.models import AuditEvent
from knooppunt.organisations.models import Organisation
from knooppunt.testing.factories import (
    AdministratorFactory,
    OperatorUserFactory,
    OrganisationFactory,
    application,
    pdf_bytes,
)
from knooppunt.testing.html import field_errors

pytestmark = pytest.mark.django_db
APPLY = reverse("aanmelding:apply")


def form_data(**changes) -> dict:
    data = {
        "organisation_type": "gemeente",
        "naam": "Gemeente Nieuwdorp",
        "kvk_nummer": "87654321",
        "gemeentecode": "0999",
        "agb_code": "",
        "woonplaats": "Nieuwdorp",
        "email_domain": "nieuwdorp.nl",
        "voorletters": "L",
        "voornaam": "Lotte",
        "tussenvoegsel": "de",
        "achternaam": "Groot",
        "email": "lotte.degroot@nieuwdorp.nl",
        "uzi_nummer": "",
        "telefoonnummer": "06 12345678",
        "confirm": "on",
        "document_0": SimpleUploadedFile("aansluiting.pdf", pdf_bytes("een"), "application/pdf"),
        "document_1": SimpleUploadedFile("vecozo.pdf", pdf_bytes("twee"), "application/pdf"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post(data, address="192.0.2.1", client=None):
    return (client or Client()).post(APPLY, data, REMOTE_ADDR=address)


def test_the_form_is_public_and_linked_from_the_login_page(client):
    assert client.get(APPLY).status_code == 200
    login = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{APPLY}">Aanmelden gebruikersbeheerder</a>' in login


def test_a_request_is_stored_with_its_pdfs_and_nothing_else_is_created(mail_outbox):
    users, organisations = User.objects.count(), Organisation.objects.count()
    response = post(form_data())
    assert response.status_code == 302 and response["Location"] == reverse("aanmelding:done")
    aanmelding = Aanmelding.objects.get()
    assert aanmelding.status == Status.SUBMITTED and aanmelding.ip_address == "192.0.2.1"
    assert aanmelding.telefoonnummer == "+31612345678"
    assert sorted(d.kind.code for d in aanmelding.documents.all()) == [
        "gemeente-aansluiting",
        "gemeente-vecozo",
    ]
    assert bytes(aanmelding.documents.first().content).startswith(b"%PDF-")
    # No account, no organisation, no mail before the operator acts.
    assert (User.objects.count(), Organisation.objects.count()) == (users, organisations)
    assert mail_outbox.messages() == []
    event = AuditEvent.objects.get(action="aanmelding.submit")
    assert event.object_id == str(aanmelding.pk) and event.details["kvk_nummer"] == "87654321"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "scan.pdf"),  # an image named .pdf
        (b"Dit is een tekst en geen PDF." * 10, "tekst.pdf"),
        (b"%PDF-1.4\n" + b"x" * 5000, "afgebroken.pdf"),  # a PDF header, no end
        (b"", "leeg.pdf"),
    ],
)
def test_an_upload_must_be_a_pdf_by_its_content(content, name):
    response = post(form_data(document_0=SimpleUploadedFile(name, content, "application/pdf")))
    assert response.status_code == 200
    errors = field_errors(response.content.decode(), "document_0")
    assert errors and ("geen PDF" in errors[0] or "leeg" in errors[0]), errors
    assert not Aanmelding.objects.exists()


def test_the_agreements_of_the_chosen_type_are_required():
    response = post(form_data(document_1=None))
    errors = field_errors(response.content.decode(), "document_1")
    assert errors == ["Upload de ondertekende Bewerkersovereenkomst VECOZO."]
    response = post(form_data(organisation_type="zorgaanbieder", agb_code=""))
    assert field_errors(response.content.decode(), "agb_code") == ["Vul de AGB-code in."]
    assert not Aanmelding.objects.exists()


def test_files_over_the_limit_are_refused(settings):
    settings.KNOOPPUNT_APPLICATION_MAX_MB = 1
    big = pdf_bytes() + b"%" + b"0" * (1024 * 1024) + b"\n%%EOF\n"
    response = post(form_data(document_0=SimpleUploadedFile("groot.pdf", big, "application/pdf")))
    assert "te groot" in field_errors(response.content.decode(), "document_0")[0]
    # A request larger than two files of the limit is refused before it is read.
    response = Client().post(
        APPLY, data=b"x", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=3 << 20
    )
    assert response.status_code == 413 and "te groot" in response.content.decode()
    assert not Aanmelding.objects.exists()


def test_the_email_must_be_personal_and_in_the_domain_and_all_fields_show_in_one_round():
    response = post(form_data(email="info@elders.nl", kvk_nummer="123", voornaam=""))
    html = response.content.decode()
    assert field_errors(html, "kvk_nummer") and field_errors(html, "voornaam")
    assert "Algemene adressen" in field_errors(html, "email")[0]
    response = post(form_data(email="lotte@elders.nl"))
    assert "binnen het domein" in field_errors(response.content.decode(), "email")[0]


def test_an_address_in_use_is_not_revealed_to_the_public(settings):
    AdministratorFactory(email="lotte.degroot@nieuwdorp.nl")
    assert post(form_data()).status_code == 302


def test_csrf_is_enforced():
    client = Client(enforce_csrf_checks=True)
    assert client.post(APPLY, form_data(), REMOTE_ADDR="192.0.2.5").status_code == 403
    assert not Aanmelding.objects.exists()


def test_a_limit_of_requests_per_address_per_day(settings, time_machine):
    settings.KNOOPPUNT_APPLICATION_LIMIT = 2
    for _ in range(2):
        assert post(form_data(), address="198.51.100.7").status_code == 302
    refused = post(form_data(), address="198.51.100.7")
    assert refused.status_code == 429 and "Te veel aanmeldingen" in refused.content.decode()
    assert Aanmelding.objects.count() == 2
    assert AuditEvent.objects.filter(action="aanmelding.limited", outcome="denied").count() == 1
    # Another address, or the next day, may.
    assert post(form_data(), address="198.51.100.8").status_code == 302
    time_machine.move_to(datetime.datetime.now() + datetime.timedelta(days=1, minutes=1))
    assert post(form_data(), address="198.51.100.7").status_code == 302


# --- the operator --------------------------------------------------------------------------


def test_accepting_creates_the_organisation_registers_the_agreements_and_invites(mail_outbox):
    aanmelding = application()
    operator = OperatorUserFactory()
    organisation, admin = services.accept(
        operator, aanmelding, products=["iwmo", "ijw"], signed_on=datetime.date(2026, 11, 30)
    )
    assert organisation.naam == "Gemeente Nieuwdorp" and organisation.gemeentecode == "0999"
    assert organisation.domain_list() == ["nieuwdorp.nl"]
    assert sorted(p.code for p in organisation.products.all()) == ["ijw", "iwmo"]
    assert organisation.missing_agreements() == []
    assert admin.is_administrator and admin.status == UserStatus.INVITED
    assert admin.organisation == organisation and admin.email == "lotte.degroot@nieuwdorp.nl"
    aanmelding.refresh_from_db()
    assert aanmelding.status == Status.ACCEPTED and aanmelding.administrator == admin
    assert aanmelding.handled_by == operator
    [mail] = mail_outbox.to("lotte.degroot@nieuwdorp.nl")
    assert admin.username in mail.body and "/wachtwoord/instellen/" in mail.body
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "organisation.create",
        "agreement.register",
        "user.create",
        "user.appoint_admin",
        "aanmelding.accept",
    } <= actions
    with pytest.raises(ValidationError):  # handled once
        services.accept(operator, aanmelding, signed_on=datetime.date(2026, 11, 30))


def test_accepting_for_an_existing_organisation(mail_outbox):
    existing = OrganisationFactory(
        naam="Gemeente Nieuwdorp", kvk_nummer="87654321", domains=["nieuwdorp.nl"], type="gemeente"
    )
    aanmelding = application()
    assert list(services.candidates(aanmelding)) == [existing]
    organisation, admin = services.accept(
        OperatorUserFactory(), aanmelding, organisation=existing, signed_on=datetime.date.today()
    )
    assert organisation == existing and admin.organisation == existing
    assert Organisation.objects.filter(naam="Gemeente Nieuwdorp").count() == 1


def test_accepting_is_all_or_nothing():
    AdministratorFactory(email="lotte.degroot@nieuwdorp.nl")  # the address is in use
    aanmelding, operator = application(), OperatorUserFactory()
    before = Organisation.objects.count()
    with pytest.raises(ValidationError):
        services.accept(operator, aanmelding, signed_on=datetime.date.today())
    assert Organisation.objects.count() == before
    aanmelding.refresh_from_db()
    assert aanmelding.status == Status.SUBMITTED


def test_rejecting_mails_the_reason(mail_outbox):
    aanmelding = application()
    services.reject(OperatorUserFactory(), aanmelding, "De handtekening ontbreekt.")
    aanmelding.refresh_from_db()
    assert aanmelding.status == Status.REJECTED
    [mail] = mail_outbox.to("lotte.degroot@nieuwdorp.nl")
    assert "De handtekening ontbreekt." in mail.body
    assert not User.objects.filter(email="lotte.degroot@nieuwdorp.nl").exists()
    assert AuditEvent.objects.filter(action="aanmelding.reject").exists()


def test_only_the_operator_reviews(client):
    aanmelding = application()
    admin = AdministratorFactory()
    with pytest.raises(Exception):  # noqa: B017  (Http404 from the authorisation module)
        services.reject(admin, aanmelding, "nee")
    client.force_login(admin)
    for url in [
        reverse("operator:aanmelding_aanmelding_changelist"),
        reverse("operator:aanmelding_accept", args=[aanmelding.pk]),
        reverse("operator:aanmelding_document", args=[aanmelding.documents.first().pk]),
    ]:
        # Sent to the console's login, which does not exist for a logged-in non-operator.
        response = client.get(url, follow=True)
        assert response.status_code == 404, url


def test_the_console_queue_accepts_and_rejects(client, mail_outbox):
    first, second = application(), application(naam="Gemeente Tweede", email="b@nieuwdorp.nl")
    client.force_login(OperatorUserFactory())
    queue = client.get(reverse("operator:aanmelding_aanmelding_changelist")).content.decode()
    assert "Gemeente Nieuwdorp" in queue and "Gemeente Tweede" in queue
    page = client.get(reverse("operator:aanmelding_aanmelding_change", args=[first.pk]))
    html = page.content.decode()
    assert "Accepteren" in html and "Afwijzen" in html
    document = first.documents.first()
    pdf = client.get(reverse("operator:aanmelding_document", args=[document.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="aanmelding.document").count() == 1

    response = client.post(
        reverse("operator:aanmelding_accept", args=[first.pk]),
        {"choice": "nieuw", "products": [], "signed_on": "2026-11-30"},
    )
    assert response.status_code == 302
    assert re.search(r"/operator/organisations/organisation/\d+/change/", response["Location"])
    response = client.post(reverse("operator:aanmelding_reject", args=[second.pk]), {"reason": ""})
    assert response.status_code == 200 and "Vul een reden in." in response.content.decode()
    client.post(reverse("operator:aanmelding_reject", args=[second.pk]), {"reason": "Dubbel."})
    assert set(Aanmelding.objects.values_list("status", flat=True)) == {"geaccepteerd", "afgewezen"}
    # A handled request is gone from the queue and cannot be handled again.
    assert client.get(reverse("operator:aanmelding_accept", args=[first.pk])).status_code == 404
