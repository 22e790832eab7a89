"""Granting, revoking, suspending and restoring roles (SPEC 4.2): each change audited."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from knooppunt.access import services
from knooppunt.access.models import Product, RoleGrant
from knooppunt.accounts.models import Status
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import AdministratorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    admin = AdministratorFactory()
    return admin, UserFactory(organisation=admin.organisation)


def test_grant_and_revoke_are_audited_and_bump_the_version(pair):
    admin, user = pair
    iwmo = Product.objects.get(code="iwmo")
    assert services.grant_role(admin, user, iwmo, "gebruiker") is not None
    assert services.grant_role(admin, user, iwmo, "gebruiker") is None  # already held
    assert user.version == 2
    assert services.revoke_role(admin, user, iwmo, "gebruiker")
    assert not services.revoke_role(admin, user, iwmo, "gebruiker")
    assert not RoleGrant.objects.filter(user=user).exists()
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("id")) == [
        "role.grant",
        "role.revoke",
    ]
    user.refresh_from_db()
    assert user.version == 3


def test_suspended_grants_stay_suspended_unless_chosen_again(pair):
    admin, user = pair
    from knooppunt.usermanagement.services import deactivate_user, reactivate_user

    services.set_grants(admin, user, {("iwmo", "gebruiker"), ("ijw", "gebruiker")})
    deactivate_user(admin, user)  # suspends the roles
    reactivate_user(admin, user)  # without restoring them (SPEC 3)
    assert {g.product.code for g in services.suspended_grants(user)} == {"iwmo", "ijw"}
    # Choosing one again makes that one active; the other stays a "previously held" role.
    services.set_grants(admin, user, {("iwmo", "gebruiker")})
    assert set(RoleGrant.objects.filter(user=user).values_list("product__code", "active")) == {
        ("iwmo", True),
        ("ijw", False),
    }
    assert services.restore_grants(admin, user) == ["ijw:gebruiker"]


def test_no_roles_for_a_deactivated_user_and_none_from_strangers(pair):
    admin, user = pair
    user.status = Status.DEACTIVATED
    user.save()
    with pytest.raises(ValidationError, match="actieve of nieuwe gebruiker"):
        services.set_grants(admin, user, {("iwmo", "gebruiker")})
    with pytest.raises(ValidationError, match="actieve gebruiker"):
        services.restore_grants(admin, user)
    with pytest.raises(Http404):
        services.set_grants(AdministratorFactory(), user, set())
