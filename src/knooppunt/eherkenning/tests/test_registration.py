"""First login through eHerkenning (BIDN 2.2): "Persoonlijke instellingen", the verification
code, and the next login straight to the dashboard. Against the real test broker."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from knooppunt.access import rules
from knooppunt.access.models import Product
from knooppunt.accounts.models import Status, User
from knooppunt.audit.models import AuditEvent, Outcome
from knooppunt.eherkenning.models import CodeRecipient, Identity, Registration

from .conftest import PERSONAL, broker_login

pytestmark = pytest.mark.django_db


def test_new_person_registers_verifies_and_logs_in_directly_next_time(
    client, eherkenning_broker, broker, organisation, administrator
):
    response = broker_login(client, eherkenning_broker, broker, pseudo_id="pseudo-jan")
    assert response.status_code == 302
    assert response["Location"] == reverse("eherkenning:register")
    assert AuditEvent.objects.filter(action="eherkenning.login", organisation_id=organisation.pk)

    page = client.get(reverse("eherkenning:register"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Persoonlijke instellingen" in html and "Gemeente Proefstad" in html

    response = client.post(reverse("eherkenning:register"), PERSONAL)
    assert response.status_code == 302
    assert response["Location"] == reverse("eherkenning:verify")
    user = User.objects.get(email="jan.jansen@proefstad.nl")
    assert user.status == Status.PENDING
    assert user.self_registered and user.approved_at is None and user.verified_at is None
    assert user.username == "jjansen"
    assert user.organisation == organisation
    assert user.telefoonnummer == "+31612345678"
    assert not user.has_usable_password()
    assert len(user.verification_code) == 8
    registration = Registration.objects.get(user=user)
    assert registration.code_via == CodeRecipient.ADMINISTRATOR
    identity = Identity.objects.get(user=user)
    assert (identity.broker, identity.pseudo_id) == (broker, "pseudo-jan")
    assert AuditEvent.objects.filter(action="eherkenning.registration", actor_id=user.pk)

    page = client.get(reverse("eherkenning:verify"))
    assert "Verificatiecode" in page.content.decode()
    assert "gebruikersbeheerder van uw organisatie" in page.content.decode()
    session_before = client.cookies["sessionid"].value
    # In phase 1 the administrator's page is not there yet: the code as it is stored.
    code = user.verification_code
    response = client.post(reverse("eherkenning:verify"), {"code": code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:welcome")
    assert client.cookies["sessionid"].value != session_before  # a new session id
    user.refresh_from_db()
    assert user.status == Status.ACTIVE and user.verified_at is not None
    assert user.approved_at is None  # the administrator still approves (and grants roles)
    assert user.verification_code == ""
    welcome = client.get(reverse("core:welcome"))
    assert welcome.status_code == 200
    assert welcome.wsgi_request.user == user
    assert "Uw account is geverifieerd" in welcome.content.decode()
    assert not rules.can(user, "product.use", Product.objects.get(code="iwmo"))
    event = AuditEvent.objects.get(action="eherkenning.verification", actor_id=user.pk)
    assert event.outcome == Outcome.SUCCESS

    # The verification screen never returns.
    assert client.get(reverse("eherkenning:verify"))["Location"] == reverse("core:welcome")
    client.post(reverse("accounts:logout"))
    response = client.get(reverse("eherkenning:verify"))
    assert response["Location"] == reverse("eherkenning:choose_broker")

    response = broker_login(client, eherkenning_broker, broker, pseudo_id="pseudo-jan")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:welcome")
    assert client.get(reverse("core:welcome")).wsgi_request.user == user
    assert User.objects.filter(email="jan.jansen@proefstad.nl").count() == 1
    assert AuditEvent.objects.filter(action="eherkenning.login", actor_id=user.pk).exists()


@pytest.fixture
def registering(client, eherkenning_broker, broker, organisation, administrator):
    """A person the broker vouched for, now on "Persoonlijke instellingen"."""
    response = broker_login(client, eherkenning_broker, broker, pseudo_id="pseudo-new")
    assert response["Location"] == reverse("eherkenning:register")
    return client


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"email": "info@proefstad.nl"}, "Algemene adressen zoals info@ voldoen niet."),
        ({"email": "jan@elders.nl"}, "binnen het domein van uw organisatie"),
        ({"email": "geen-adres"}, "Vul een geldig e-mailadres in."),
        ({"email": "a.beheer@proefstad.nl"}, "Dit e-mailadres is al in gebruik."),
        ({"voornaam": ""}, "Dit veld is verplicht."),
        ({"telefoonnummer": "020 1234567"}, "Vul een mobiel nummer in"),
    ],
)
def test_personal_settings_are_checked_and_nothing_is_written(
    registering, organisation, changes, field_message
):
    users_before = User.objects.count()
    response = registering.post(reverse("eherkenning:register"), {**PERSONAL, **changes})
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert User.objects.count() == users_before
    assert not Identity.objects.exists() and not Registration.objects.exists()
    assert not AuditEvent.objects.filter(action="eherkenning.registration").exists()


def test_personal_settings_need_a_broker_login(client, organisation):
    response = client.get(reverse("eherkenning:register"))
    assert response["Location"] == reverse("eherkenning:choose_broker")
    response = client.post(reverse("eherkenning:register"), PERSONAL)
    assert response["Location"] == reverse("eherkenning:choose_broker")
    assert not User.objects.filter(email=PERSONAL["email"]).exists()


def test_a_broker_login_is_usable_for_half_an_hour(registering):
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = registering.post(reverse("eherkenning:register"), PERSONAL)
    assert response["Location"] == reverse("eherkenning:choose_broker")
    assert not User.objects.filter(email=PERSONAL["email"]).exists()


def test_saving_twice_makes_one_account(registering):
    registering.post(reverse("eherkenning:register"), PERSONAL)
    response = registering.post(reverse("eherkenning:register"), PERSONAL)
    assert response["Location"] == reverse("eherkenning:verify")
    assert User.objects.filter(email=PERSONAL["email"]).count() == 1


def test_wrong_codes_are_counted_and_then_the_code_is_void(registering, settings):
    settings.KNOOPPUNT_EHERKENNING_CODE_ATTEMPTS = 3
    registering.post(reverse("eherkenning:register"), PERSONAL)
    user = User.objects.get(email=PERSONAL["email"])
    code = user.verification_code

    response = registering.post(reverse("eherkenning:verify"), {"code": "ZZZZZZZZ"})
    assert response.status_code == 200
    assert "De verificatiecode is onjuist. U kunt het nog 2 keer proberen." in (
        response.content.decode()
    )
    response = registering.post(reverse("eherkenning:verify"), {"code": ""})
    assert "Vul de verificatiecode in." in response.content.decode()
    registering.post(reverse("eherkenning:verify"), {"code": "ZZZZZZZZ"})
    response = registering.post(reverse("eherkenning:verify"), {"code": "ZZZZZZZZ"})
    html = response.content.decode()
    assert "te vaak een onjuiste verificatiecode" in html
    assert "Vraag de gebruikersbeheerder van uw organisatie om een nieuwe verificatiecode." in html
    # Even the right code no longer works.
    response = registering.post(reverse("eherkenning:verify"), {"code": code})
    assert response.status_code == 200 and "te vaak" in response.content.decode()
    user.refresh_from_db()
    assert user.status == Status.PENDING and user.verification_code == ""
    failures = AuditEvent.objects.filter(
        action="eherkenning.verification", outcome=Outcome.FAILURE, actor_id=user.pk
    )
    assert [e.details["attempt"] for e in failures.order_by("id")] == [1, 2, 3]
    assert failures.order_by("id").last().details["blocked"] is True


def test_renewed_code_works_after_blocking(
    client, eherkenning_broker, broker, registering, administrator, settings
):
    from knooppunt.eherkenning.services import renew_verification_code

    settings.KNOOPPUNT_EHERKENNING_CODE_ATTEMPTS = 1
    registering.post(reverse("eherkenning:register"), PERSONAL)
    registering.post(reverse("eherkenning:verify"), {"code": "ZZZZZZZZ"})
    user = User.objects.get(email=PERSONAL["email"])
    assert user.verification_code == ""

    new_code = renew_verification_code(administrator, user)
    assert AuditEvent.objects.filter(action="eherkenning.code_renewed", actor_id=administrator.pk)
    # Logging in again leads back to the code screen (still pending), where the new code works.
    response = broker_login(client, eherkenning_broker, broker, pseudo_id="pseudo-new")
    assert response["Location"] == reverse("eherkenning:verify")
    response = client.post(reverse("eherkenning:verify"), {"code": new_code})
    assert response["Location"] == reverse("core:welcome")


def test_administrator_of_another_organisation_cannot_renew_a_code(registering):
    from django.http import Http404

    from knooppunt.eherkenning.services import renew_verification_code
    from knooppunt.testing.factories import AdministratorFactory

    registering.post(reverse("eherkenning:register"), PERSONAL)
    user = User.objects.get(email=PERSONAL["email"])
    with pytest.raises(Http404):
        renew_verification_code(AdministratorFactory(), user)


def test_pending_person_logging_in_again_gets_the_code_screen(
    client, eherkenning_broker, broker, registering
):
    registering.post(reverse("eherkenning:register"), PERSONAL)
    client.logout()  # a new browser session
    response = broker_login(client, eherkenning_broker, broker, pseudo_id="pseudo-new")
    assert response["Location"] == reverse("eherkenning:verify")
    assert client.get(reverse("eherkenning:register"))["Location"] == reverse("eherkenning:verify")


def test_organisation_without_administrator_gets_its_code_from_the_operator(
    client, eherkenning_broker, broker, organisation
):
    broker_login(client, eherkenning_broker, broker, pseudo_id="pseudo-solo")
    client.post(reverse("eherkenning:register"), PERSONAL)
    registration = Registration.objects.get(user__email=PERSONAL["email"])
    assert registration.code_via == CodeRecipient.OPERATOR
    assert (
        "Deze code krijgt u van de servicedesk."
        in client.get(reverse("eherkenning:verify")).content.decode()
    )
