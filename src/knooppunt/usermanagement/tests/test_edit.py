""" "Gebruiker wijzigen (id)": personal data, switches, role grants per product, the
administrator right, optimistic locking, and approving a self-registered user (BIDN 3.1)."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from knooppunt.access import services as access_services
from knooppunt.access.models import Product, RoleGrant
from knooppunt.accounts.models import Status
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import AdministratorFactory, UserFactory, grant
from knooppunt.usermanagement import services

pytestmark = pytest.mark.django_db


def edit_url(user):
    return reverse("usermanagement:user_edit", args=[user.pk])


def form_data(user, **changes):
    data = {
        "voorletters": user.voorletters,
        "voornaam": user.voornaam,
        "tussenvoegsel": user.tussenvoegsel,
        "achternaam": user.achternaam,
        "email": user.email,
        "uzi_nummer": user.uzi_nummer,
        "telefoonnummer": user.telefoonnummer,
        "memo": user.memo,
        "version": user.version,
    }
    for name in ("nieuwsbrief", "contactpersoon", "is_administrator"):
        if getattr(user, name):
            data[name] = "on"
    for g in user.role_grants.filter(active=True).select_related("product"):
        data[f"rol_{g.product.code}_{g.role}"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def held(user):
    return set(user.role_grants.filter(active=True).values_list("product__code", "role").order_by())


def test_page_shows_the_form_the_roles_per_product_and_the_organisation(admin_client, colleague):
    html = admin_client.get(edit_url(colleague)).content.decode()
    assert f"Gebruiker wijzigen ({colleague.pk})" in html
    assert 'value="piet.vandertest@voorbeeld.nl"' in html
    assert "<strong>ptest</strong>" in html  # the login name, not editable
    for name in ("rol_iwmo_gebruiker", "rol_iwmo_productbeheerder", "rol_ijw_gebruiker"):
        assert f'name="{name}"' in html
    # Wlz-aanvragen has only the role Gebruiker; a product the organisation lacks is absent.
    assert 'name="rol_wlz-aanvragen_gebruiker"' in html
    assert 'name="rol_wlz-aanvragen_productbeheerder"' not in html
    assert "rol_wlz-registertoets" not in html
    assert 'role="switch"' in html and "nieuwsbrief" in html and "contactpersoon" in html
    assert "Gebruiker verwijderen" in html


def test_saving_changes_fields_and_audits_their_names_only(admin_client, colleague):
    response = admin_client.post(
        edit_url(colleague),
        form_data(
            colleague, memo="Werkt op dinsdag", telefoonnummer="0612345678", nieuwsbrief="on"
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("usermanagement:user_saved", args=[colleague.pk])
    colleague.refresh_from_db()
    assert colleague.memo == "Werkt op dinsdag"
    assert colleague.telefoonnummer == "+31612345678"
    assert colleague.nieuwsbrief is True
    assert colleague.version == 2
    event = AuditEvent.objects.get(action="user.change")
    assert event.details == {"fields": ["memo", "nieuwsbrief", "telefoonnummer"]}
    assert "dinsdag" not in str(event.details) and "0612" not in str(event.details)


def test_saving_without_changes_writes_nothing(admin_client, colleague):
    admin_client.post(edit_url(colleague), form_data(colleague))
    colleague.refresh_from_db()
    assert colleague.version == 1
    assert not AuditEvent.objects.filter(action="user.change").exists()


def test_the_same_rules_as_creating_apply(admin_client, colleague):
    response = admin_client.post(
        edit_url(colleague), form_data(colleague, email="info@voorbeeld.nl")
    )
    assert response.status_code == 200
    assert "Algemene adressen zoals info@ voldoen niet." in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.email == "piet.vandertest@voorbeeld.nl"


def test_a_stale_second_save_is_refused_and_overwrites_nothing(client, world, colleague):
    """Two administrators open the same user; the first saves, the second is told."""
    second_admin = AdministratorFactory(organisation=world.organisation)
    stale = form_data(colleague)  # both loaded version 1

    client.force_login(world.admin)
    first = client.post(edit_url(colleague), {**stale, "achternaam": "Eerste"})
    assert first.status_code == 302

    client.force_login(second_admin)
    second = client.post(
        edit_url(colleague), {**stale, "achternaam": "Tweede", "memo": "van de tweede"}
    )
    assert second.status_code == 409
    html = second.content.decode()
    assert "intussen door iemand anders gewijzigd" in html
    assert 'value="Eerste"' in html  # the form now shows what is stored
    assert 'name="version" value="2"' in html
    colleague.refresh_from_db()
    assert colleague.achternaam == "Eerste" and colleague.memo == ""

    # Saving again from the refreshed page works.
    again = client.post(edit_url(colleague), form_data(colleague, achternaam="Tweede"))
    assert again.status_code == 302
    colleague.refresh_from_db()
    assert colleague.achternaam == "Tweede" and colleague.version == 3


def test_a_stale_save_does_not_change_roles_either(admin_client, world, colleague):
    stale = form_data(colleague, rol_iwmo_gebruiker="on")
    # Meanwhile another administrator grants a role: that, too, makes the page stale.
    access_services.grant_role(world.admin, colleague, Product.objects.get(code="ijw"), "gebruiker")
    response = admin_client.post(edit_url(colleague), stale)
    assert response.status_code == 409
    assert held(colleague) == {("ijw", "gebruiker")}


def test_roles_are_granted_and_revoked_per_product_with_audit(admin_client, colleague):
    grant(colleague, "ijw", "gebruiker")
    response = admin_client.post(
        edit_url(colleague),
        form_data(
            colleague,
            rol_ijw_gebruiker=None,
            rol_iwmo_gebruiker="on",
            rol_iwmo_productbeheerder="on",
            **{"rol_wlz-aanvragen_gebruiker": "on"},
        ),
    )
    assert response.status_code == 302
    assert held(colleague) == {
        ("iwmo", "gebruiker"),
        ("iwmo", "productbeheerder"),
        ("wlz-aanvragen", "gebruiker"),
    }
    granted = AuditEvent.objects.filter(action="role.grant").values_list("details", flat=True)
    assert {(d["product"], d["role"]) for d in granted} == held(colleague)
    [revoked] = AuditEvent.objects.filter(action="role.revoke")
    assert revoked.details == {"product": "ijw", "role": "gebruiker"}
    # Productbeheerder does not imply Gebruiker (BIDN 3.2.2): they are separate grants.
    colleague.refresh_from_db()
    admin_client.post(
        edit_url(colleague),
        form_data(colleague, rol_iwmo_gebruiker=None),
    )
    assert ("iwmo", "productbeheerder") in held(colleague)
    assert ("iwmo", "gebruiker") not in held(colleague)


def test_a_grant_outside_the_organisations_products_is_refused(world, colleague):
    with pytest.raises(ValidationError, match="hoort niet bij de organisatie"):
        access_services.set_grants(world.admin, colleague, {("wlz-registertoets", "gebruiker")})
    with pytest.raises(ValidationError, match="kent de rol"):
        access_services.set_grants(world.admin, colleague, {("wlz-aanvragen", "productbeheerder")})
    assert not RoleGrant.objects.filter(user=colleague).exists()


def test_administrator_grants_the_administrator_right_to_a_colleague(admin_client, colleague):
    admin_client.post(edit_url(colleague), form_data(colleague, is_administrator="on"))
    colleague.refresh_from_db()
    assert colleague.is_administrator
    event = AuditEvent.objects.get(action="user.set_administrator")
    assert event.details == {"is_administrator": True}
    assert event.actor_username == "abeheer"


def test_the_last_active_administrator_keeps_the_right(admin_client, world):
    admin = world.admin
    response = admin_client.post(edit_url(admin), form_data(admin, is_administrator=None))
    assert response.status_code == 200
    assert "laatste actieve gebruikersbeheerder" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_administrator
    # With a second active administrator, the right can be handed over; the session is
    # renewed and user management is gone for this person.
    AdministratorFactory(organisation=world.organisation)
    session_before = admin_client.cookies["sessionid"].value
    response = admin_client.post(edit_url(admin), form_data(admin, is_administrator=None))
    assert response["Location"] == reverse("core:welcome")
    assert admin_client.cookies["sessionid"].value != session_before
    admin.refresh_from_db()
    assert not admin.is_administrator
    assert admin_client.get(reverse("usermanagement:user_list")).status_code == 404


def test_an_invited_administrator_does_not_count_as_active(world):
    AdministratorFactory(organisation=world.organisation, status=Status.INVITED)
    with pytest.raises(ValidationError, match="laatste actieve"):
        services.set_administrator(world.admin, world.admin, False)


def test_pending_self_registered_user_shows_the_code_and_saving_approves(admin_client, world):
    pending = UserFactory(
        organisation=world.organisation,
        status=Status.PENDING,
        self_registered=True,
        verification_code="482913",
        email="nieuw@voorbeeld.nl",
    )
    html = admin_client.get(edit_url(pending)).content.decode()
    assert "Verificatiecode" in html and "482913" in html
    response = admin_client.post(edit_url(pending), form_data(pending, rol_iwmo_gebruiker="on"))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.approved_at is not None
    assert pending.status == Status.PENDING  # active once the person enters the code
    assert held(pending) == {("iwmo", "gebruiker")}
    assert AuditEvent.objects.filter(action="user.approve", object_id=str(pending.pk)).exists()
    # Approved: the page no longer asks for approval; saving again approves nothing new.
    admin_client.post(edit_url(pending), form_data(pending))
    assert AuditEvent.objects.filter(action="user.approve").count() == 1


def test_verified_self_registered_user_is_approved_without_showing_a_code(admin_client, world):
    user = UserFactory(
        organisation=world.organisation,
        self_registered=True,
        verification_code="111222",
        verified_at=timezone.now(),
        email="geverifieerd@voorbeeld.nl",
    )
    html = admin_client.get(edit_url(user)).content.decode()
    assert "111222" not in html  # the person already entered it: active
    assert admin_client.post(edit_url(user), form_data(user)).status_code == 302
    user.refresh_from_db()
    assert user.approved_at is not None


def test_deleted_user_page_is_a_read_only_tombstone(admin_client, world):
    gone = UserFactory(
        organisation=world.organisation,
        status=Status.DELETED,
        email="",
        deletion_reason="Uit dienst",
        deleted_at=timezone.now(),
        deleted_by=world.admin,
    )
    response = admin_client.get(edit_url(gone))
    html = response.content.decode()
    assert "Uit dienst" in html and "abeheer" in html
    assert "Wijzigingen Opslaan" not in html
    assert admin_client.post(edit_url(gone), {"achternaam": "x"}).status_code == 405


def test_services_refuse_what_the_screens_hide(world, colleague):
    """The rules hold in the services too, whoever calls them."""
    stranger = world.other_admin
    for call in (
        lambda: services.update_user(stranger, colleague, {}, expected_version=1),
        lambda: services.deactivate_user(stranger, colleague),
        lambda: services.delete_user(stranger, colleague, "weg"),
        lambda: services.set_administrator(stranger, colleague, True),
        lambda: access_services.set_grants(stranger, colleague, set()),
    ):
        with pytest.raises(Http404):
            call()
