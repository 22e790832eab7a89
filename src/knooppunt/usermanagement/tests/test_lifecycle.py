"""Deactivating (BIDN 3.3.1), reactivating, deleting (Portero 3.3, BIDN 3.3.2), the
last-administrator guard, and the housekeeping jobs (automatic reactivation, purge)."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from knooppunt.access.models import RoleGrant
from knooppunt.accounts.models import PasswordHistory, PasswordLink, Status, User
from knooppunt.audit.models import AuditEvent
from knooppunt.audit.services import verify_chain
from knooppunt.testing.factories import AdministratorFactory, UserFactory, grant
from knooppunt.testing.html import has_field_error, label
from knooppunt.usermanagement import housekeeping, services

pytestmark = pytest.mark.django_db


def url(name, user, query=""):
    return reverse(f"usermanagement:{name}", args=[user.pk]) + query


@pytest.fixture
def busy(colleague):
    """A colleague with roles, newsletter and contact-person switches on."""
    grant(colleague, "iwmo", "gebruiker")
    grant(colleague, "ijw", "productbeheerder")
    colleague.nieuwsbrief = colleague.contactpersoon = True
    colleague.save()
    return colleague


# --- deactivate ------------------------------------------------------------------------------


def test_switching_actief_off_asks_for_confirmation_first(admin_client, busy):
    html = admin_client.get(url("user_edit", busy)).content.decode()
    assert 'role="switch" aria-checked="true"' in html
    assert f'action="{url("user_deactivate", busy)}"' in html
    page = admin_client.get(url("user_deactivate", busy)).content.decode()
    assert "Weet u zeker dat u gebruiker ptest" in page
    assert ">Ja</button>" in page and ">Nee</a>" in page
    busy.refresh_from_db()
    assert busy.status == Status.ACTIVE  # nothing happens before "Ja"


def test_ja_deactivates_and_cascades(admin_client, busy):
    response = admin_client.post(url("user_deactivate", busy), {"until": ""})
    assert response.status_code == 302
    busy.refresh_from_db()
    assert busy.status == Status.DEACTIVATED
    assert not busy.nieuwsbrief and not busy.contactpersoon
    assert not RoleGrant.objects.filter(user=busy, active=True).exists()
    assert RoleGrant.objects.filter(user=busy, active=False).count() == 2  # kept, suspended
    event = AuditEvent.objects.get(action="user.deactivate")
    assert sorted(event.details["roles"]) == ["ijw:productbeheerder", "iwmo:gebruiker"]
    html = admin_client.get(url("user_edit", busy)).content.decode()
    assert "De gebruiker is gedeactiveerd." in html
    assert 'aria-checked="false"' in html
    assert "Eerdere rollen (niet actief)" in html
    # No roles while deactivated.
    assert re.search(r'<input type="checkbox" name="rol_iwmo_gebruiker"[^>]* disabled', html)
    assert "checked" not in html.split('name="rol_iwmo_gebruiker"')[1].split(">")[0]


def test_a_deactivated_user_cannot_log_in(client, busy, world):
    from knooppunt.testing.factories import TEST_PASSWORD

    services.deactivate_user(world.admin, busy)
    response = client.post(
        reverse("accounts:login"), {"username": busy.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login.deactivated", actor_id=busy.pk).exists()


def test_end_date_must_lie_in_the_future(admin_client, busy):
    today = timezone.localdate().isoformat()
    response = admin_client.post(url("user_deactivate", busy), {"until": today})
    assert "Kies een datum na vandaag." in response.content.decode()
    busy.refresh_from_db()
    assert busy.status == Status.ACTIVE
    response = admin_client.post(url("user_deactivate", busy), {"until": "31-02-2027"})
    assert response.status_code == 200
    assert has_field_error(response.content.decode())


def test_housekeeping_reactivates_on_the_end_date_and_roles_wait_for_one_click(
    admin_client, busy, world
):
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)):
        services.deactivate_user(world.admin, busy, until=datetime.date(2027, 3, 15))
    with time_machine.travel(datetime.datetime(2027, 3, 14, 20, 0, tzinfo=datetime.UTC)):
        assert housekeeping.reactivate_due_users() == 0
    with time_machine.travel(datetime.datetime(2027, 3, 15, 6, 0, tzinfo=datetime.UTC)):
        out = io.StringIO()
        # Only this job: the session clean-up would end the administrator's test session.
        call_command("housekeeping", "--job", "usermanagement.reactivate", stdout=out)
        assert "usermanagement.reactivate: 1" in out.getvalue()
    busy.refresh_from_db()
    assert busy.status == Status.ACTIVE and busy.deactivated_until is None
    assert not RoleGrant.objects.filter(user=busy, active=True).exists()
    response = admin_client.get(url("user_edit", busy))
    html = response.content.decode()
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    assert "Eerdere rollen (niet actief)" in html and "Rollen herstellen" in html
    admin_client.post(url("user_restore_roles", busy))
    assert RoleGrant.objects.filter(user=busy, active=True).count() == 2
    assert AuditEvent.objects.filter(action="role.restore").exists()


def test_reactivation_shows_the_roles_held_and_restores_them_when_asked(admin_client, busy, world):
    services.deactivate_user(world.admin, busy)
    page = admin_client.get(url("user_reactivate", busy)).content.decode()
    assert "iWmo — Gebruiker" in page and "iJw — Productbeheerder" in page
    assert "Ja, en herstel deze rollen" in page and "Ja, zonder rollen" in page
    admin_client.post(url("user_reactivate", busy), {"rollen": "herstellen"})
    busy.refresh_from_db()
    assert busy.status == Status.ACTIVE
    assert RoleGrant.objects.filter(user=busy, active=True).count() == 2
    assert AuditEvent.objects.get(action="user.reactivate").details["restored_roles"]


def test_reactivation_without_roles_restores_nothing(admin_client, busy, world):
    services.deactivate_user(world.admin, busy)
    admin_client.post(url("user_reactivate", busy), {"rollen": "niet"})
    busy.refresh_from_db()
    assert busy.status == Status.ACTIVE
    assert not RoleGrant.objects.filter(user=busy, active=True).exists()
    assert not busy.nieuwsbrief  # nor the switches: they stay as deactivation left them


def test_roles_of_a_product_the_organisation_lost_are_not_restored(busy, world):
    services.deactivate_user(world.admin, busy)
    world.organisation.products.remove(*world.organisation.products.filter(code="ijw"))
    services.reactivate_user(world.admin, busy, restore_roles=True)
    assert set(
        RoleGrant.objects.filter(user=busy, active=True).values_list("product__code", flat=True)
    ) == {"iwmo"}


# --- the last administrator ------------------------------------------------------------------


def test_last_active_administrator_cannot_be_deactivated_or_deleted(world):
    other = AdministratorFactory(organisation=world.organisation)
    # Two administrators: one may deactivate the other...
    services.deactivate_user(world.admin, other)
    # ...but not the other way round afterwards, nor may anyone remove the last one.
    services.reactivate_user(world.admin, other)
    services.deactivate_user(other, world.admin)
    from knooppunt.testing.factories import OperatorUserFactory

    operator = OperatorUserFactory()
    with pytest.raises(ValidationError, match="laatste actieve gebruikersbeheerder"):
        services.deactivate_user(operator, other)
    with pytest.raises(ValidationError, match="laatste actieve gebruikersbeheerder"):
        services.delete_user(operator, other, "Uit dienst")
    with pytest.raises(ValidationError, match="laatste actieve gebruikersbeheerder"):
        services.set_administrator(operator, other, False)
    other.refresh_from_db()
    assert other.status == Status.ACTIVE and other.is_administrator


def test_the_screens_show_the_guard(admin_client, world):
    second = AdministratorFactory(organisation=world.organisation, email="tweede@voorbeeld.nl")
    services.deactivate_user(world.admin, second)
    # Deleting the only active administrator (oneself) is not offered and refused.
    response = admin_client.post(url("user_delete", world.admin), {"reason": "weg"})
    assert "U kunt uzelf niet verwijderen." in response.content.decode()


def test_nobody_deactivates_or_deletes_themselves(world):
    AdministratorFactory(organisation=world.organisation)
    with pytest.raises(ValidationError, match="uzelf niet deactiveren"):
        services.deactivate_user(world.admin, world.admin)
    with pytest.raises(ValidationError, match="uzelf niet verwijderen"):
        services.delete_user(world.admin, world.admin, "weg")


# --- delete ----------------------------------------------------------------------------------


def test_delete_asks_for_a_reason(admin_client, busy):
    page = admin_client.get(url("user_delete", busy)).content.decode()
    assert "Weet u zeker dat u deze gebruiker wilt verwijderen?" in page
    assert "U dient een reden op te geven waarom de gebruiker verwijderd wordt." in page
    assert label(page, "id_reason") == "Reden"
    assert ">Ja</button>" in page and f'href="{url("user_edit", busy)}">Nee</a>' in page
    response = admin_client.post(url("user_delete", busy), {"reason": "   "})
    assert "Vul een reden in." in response.content.decode()
    busy.refresh_from_db()
    assert busy.status == Status.ACTIVE


def test_delete_from_the_list_returns_there_on_nee(admin_client, busy):
    list_html = admin_client.get(reverse("usermanagement:user_list")).content.decode()
    link = url("user_delete", busy, "?terug=lijst")
    assert f'href="{link}"' in list_html
    page = admin_client.get(link).content.decode()
    assert f'href="{reverse("usermanagement:user_list")}">Nee</a>' in page


def test_deleting_deactivates_erases_and_keeps_a_tombstone(admin_client, busy, world):
    busy.uzi_nummer, busy.telefoonnummer, busy.memo = "123456789", "+31612345678", "notitie"
    busy.set_password("Oud!Wachtwoord42")
    busy.save()
    PasswordHistory.objects.create(user=busy, password="oud")
    PasswordLink.objects.create(
        user=busy, purpose="reset", token_hash="x" * 64, expires_at=timezone.now()
    )
    response = admin_client.post(url("user_delete", busy), {"reason": "Uit dienst"})
    assert response.status_code == 302
    done = admin_client.get(response["Location"]).content.decode()
    assert "De gebruiker is succesvol verwijderd." in done and "Terug naar overzicht" in done

    busy.refresh_from_db()
    assert busy.status == Status.DELETED
    assert (busy.email, busy.telefoonnummer, busy.uzi_nummer, busy.memo) == ("", "", "", "")
    assert not busy.has_usable_password()
    assert not busy.nieuwsbrief and not busy.contactpersoon
    assert not PasswordHistory.objects.filter(user=busy).exists()
    assert not PasswordLink.objects.filter(user=busy).exists()
    assert not RoleGrant.objects.filter(user=busy).exists()
    # The tombstone: login name, name, reason, when, by whom.
    assert busy.username == "ptest" and busy.achternaam == "Test"
    assert busy.deletion_reason == "Uit dienst" and busy.deleted_by == world.admin
    # An active user is deactivated in the same step, then deleted; both audited.
    actions = list(
        AuditEvent.objects.filter(object_id=str(busy.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["user.deactivate", "user.delete"]
    assert AuditEvent.objects.get(action="user.delete").details["reason"] == "Uit dienst"
    assert verify_chain() is None
    # The reason shows under "Toon verwijderde gebruikers"; the address may be used again.
    listed = admin_client.get(reverse("usermanagement:user_list"), {"toon_verwijderd": "1"})
    assert "Uit dienst" in listed.content.decode()
    UserFactory(organisation=world.organisation, email="piet.vandertest@voorbeeld.nl")


@pytest.mark.skipif(
    not __import__("django.apps", fromlist=["apps"]).apps.is_installed("django_otp"),
    reason="django-otp is not installed in this build",
)
def test_deleting_removes_second_factor_devices(world, colleague):
    from knooppunt.accounts.models import TOTPDevice

    TOTPDevice.objects.create(user=colleague, name="app")
    services.delete_user(world.admin, colleague, "Uit dienst")
    assert not TOTPDevice.objects.filter(user=colleague).exists()


def test_purge_after_the_retention_period(world, colleague, settings):
    settings.KNOOPPUNT_DELETED_RETENTION = datetime.timedelta(days=365)
    with time_machine.travel(datetime.datetime(2027, 1, 10, 12, 0, tzinfo=datetime.UTC)):
        services.delete_user(world.admin, colleague, "Uit dienst")
    with time_machine.travel(datetime.datetime(2028, 1, 9, 12, 0, tzinfo=datetime.UTC)):
        assert housekeeping.purge_deleted_users() == 0
    assert User.objects.filter(pk=colleague.pk).exists()
    with time_machine.travel(datetime.datetime(2028, 1, 11, 12, 0, tzinfo=datetime.UTC)):
        out = io.StringIO()
        call_command("housekeeping", stdout=out)
    assert "usermanagement.purge_deleted: 1" in out.getvalue()
    assert not User.objects.filter(pk=colleague.pk).exists()
    purge = AuditEvent.objects.get(action="user.purge")
    assert purge.object_id == str(colleague.pk) and purge.object_repr == "ptest"
    assert purge.organisation_id == world.organisation.pk
    assert verify_chain() is None


def test_resend_invitation_mails_a_new_link_that_voids_the_old_one(mail_outbox):
    from knooppunt.accounts.passwords import find_link
    from knooppunt.audit.models import AuditEvent
    from knooppunt.usermanagement.services import resend_invitation

    admin = AdministratorFactory()
    invited = UserFactory(organisation=admin.organisation, status=Status.INVITED)
    resend_invitation(admin, invited)
    first = mail_outbox.last_link(invited.email)
    resend_invitation(admin, invited)
    second = mail_outbox.last_link(invited.email)
    assert first != second
    assert find_link(first.rstrip("/").rsplit("/", 1)[-1]) is None
    assert find_link(second.rstrip("/").rsplit("/", 1)[-1]) is not None
    assert AuditEvent.objects.filter(action="user.resend_invitation").count() == 2


def test_resend_invitation_is_only_for_invited_users_of_ones_own_organisation():
    from django.http import Http404

    from knooppunt.usermanagement.services import resend_invitation

    admin = AdministratorFactory()
    active = UserFactory(organisation=admin.organisation)
    with pytest.raises(ValidationError):
        resend_invitation(admin, active)
    with pytest.raises(Http404):
        resend_invitation(admin, UserFactory(status=Status.INVITED))
