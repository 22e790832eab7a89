"""The authorisation module answers for every action; unknown actions and strangers get no."""

import pytest
from django.http import Http404

from knooppunt.access import rules
from knooppunt.access.models import Product, Role
from knooppunt.accounts import selectors
from knooppunt.accounts.models import Status
from knooppunt.testing.factories import (
    AdministratorFactory,
    OperatorUserFactory,
    OrganisationFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db


def test_administrator_may_change_users_of_own_organisation_only():
    admin = AdministratorFactory()
    colleague = UserFactory(organisation=admin.organisation)
    stranger = UserFactory()
    assert rules.can(admin, "user.change", colleague)
    assert not rules.can(admin, "user.change", stranger)
    assert selectors.get_user_for(admin, "user.change", colleague.pk) == colleague
    with pytest.raises(Http404):
        selectors.get_user_for(admin, "user.change", stranger.pk)
    with pytest.raises(Http404):
        selectors.get_user_for(admin, "user.change", "not-a-number")
    assert set(selectors.users_visible_to(admin)) == {admin, colleague}


def test_ordinary_user_manages_nobody():
    user = UserFactory()
    colleague = UserFactory(organisation=user.organisation)
    assert not rules.can(user, "usermanagement.access")
    assert not rules.can(user, "user.change", colleague)
    assert list(selectors.users_visible_to(user)) == []


def test_operator_reaches_every_organisation():
    operator = OperatorUserFactory()
    stranger = UserFactory()
    assert rules.can(operator, "operator.console")
    assert rules.can(operator, "user.change", stranger)
    assert rules.can(operator, "organisation.change", stranger.organisation)


def test_administrator_is_not_operator():
    admin = AdministratorFactory()
    assert not rules.can(admin, "operator.console")
    assert not rules.can(admin, "organisation.change", admin.organisation)
    assert rules.can(admin, "organisation.view", admin.organisation)
    assert not rules.can(admin, "organisation.view", OrganisationFactory())


def test_administrator_behind_the_agreements_gate_manages_nobody():
    admin = AdministratorFactory(organisation=OrganisationFactory(agreements_signed=False))
    assert not rules.can(admin, "usermanagement.access")
    assert not rules.can(admin, "portal.use")


def test_inactive_and_anonymous_actors_may_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    admin = AdministratorFactory(status=Status.DEACTIVATED)
    assert not rules.can(admin, "usermanagement.access")
    assert not rules.can(AnonymousUser(), "usermanagement.access")
    assert not rules.can(None, "usermanagement.access")


def test_unknown_action_is_refused():
    assert not rules.can(OperatorUserFactory(), "something.unheard_of")


def test_product_roles_are_separate_duties():
    """Productbeheerder does not imply Gebruiker (BIDN 3.2.2), and grants need the product."""
    user = UserFactory()
    iwmo = Product.objects.get(code="iwmo")
    grant(user, "iwmo", Role.PRODUCTBEHEERDER)
    assert rules.can(user, "product.configure", iwmo)
    assert not rules.can(user, "product.use", iwmo)
    grant(user, "iwmo", Role.GEBRUIKER, active=False)
    assert not rules.can(user, "product.use", iwmo)
    user.organisation.products.remove(iwmo)
    user = type(user).objects.get(pk=user.pk)  # the next request
    assert not rules.can(user, "product.configure", iwmo)
