"""First login through eHerkenning (BIDN 2.2): "Persoonlijke instellingen", the verification
code, and the next login straight to the dashboard. Against the real test broker."""

import pytest
from django.urls import reverse

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
