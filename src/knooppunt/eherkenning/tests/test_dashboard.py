"""The dashboard ("Welkom") tab "Gebruikersbeheer": users of the administrator's own
organisation who registered through eHerkenning and await approval (SPEC 3 and 6, BIDN 3.1)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from knooppunt.accounts.models import Status
from knooppunt.testing.factories import (
    AdministratorFactory,
    OperatorUserFactory,
    OrganisationFactory,
    UserFactory,
)
from knooppunt.testing.html import link_texts

pytestmark = pytest.mark.django_db


def pending(organisation, **fields):
    return UserFactory(
        organisation=organisation, status=Status.PENDING, self_registered=True, **fields
    )


@pytest.fixture
def scene():
    organisation = OrganisationFactory(naam="Gemeente Een")
    other = OrganisationFactory(naam="Gemeente Twee")
    return {
        "admin": AdministratorFactory(organisation=organisation),
        "waiting": pending(organisation, username="wachtend"),
        "verified": UserFactory(
            organisation=organisation,
            username="geverifieerd",
            self_registered=True,
            verified_at=timezone.now(),
        ),
        "approved": UserFactory(
            organisation=organisation,
            username="goedgekeurd",
            self_registered=True,
            verified_at=timezone.now(),
            approved_at=timezone.now(),
        ),
        "created": UserFactory(organisation=organisation, username="aangemaakt"),
        "foreign": pending(other, username="vanelders"),
        "other_admin": AdministratorFactory(organisation=other),
    }


def test_administrator_sees_own_organisations_users_awaiting_approval(client, scene):
    client.force_login(scene["admin"])
    html = client.get(reverse("core:welcome")).content.decode()
    assert "Gebruikersbeheer" in html
    assert "wachtend" in html and "geverifieerd" in html
    assert "verificatiecode nog niet ingevoerd" in html
    for absent in ("goedgekeurd", "aangemaakt", "vanelders"):
        assert absent not in html


def test_other_organisations_administrator_sees_only_its_own(client, scene):
    client.force_login(scene["other_admin"])
    html = client.get(reverse("core:welcome")).content.decode()
    assert "vanelders" in html and "wachtend" not in html


def test_ordinary_user_has_no_tab(client, scene):
    client.force_login(scene["created"])
    html = client.get(reverse("core:welcome")).content.decode()
    assert "Gebruikersbeheer" not in html and "wachtend" not in html


def test_administrator_behind_the_agreements_gate_sees_no_tab(client):
    organisation = OrganisationFactory(agreements_signed=False)
    pending(organisation, username="wachtend")
    client.force_login(AdministratorFactory(organisation=organisation))
    html = client.get(reverse("core:welcome")).content.decode()
    assert "wachtend" not in html


def test_operator_dashboard_lists_only_its_own_organisation(client, scene):
    client.force_login(OperatorUserFactory())
    html = client.get(reverse("core:welcome")).content.decode()
    assert "wachtend" not in html and "vanelders" not in html


def test_each_user_links_to_the_user_page(client, scene):
    client.force_login(scene["admin"])
    html = client.get(reverse("core:welcome")).content.decode()
    url = reverse("usermanagement:user_edit", args=[scene["waiting"].pk])
    assert link_texts(html, re.escape(url)) == ["wachtend"]


def test_query_count_does_not_grow_with_the_rows(client, scene):
    client.force_login(scene["admin"])
    client.get(reverse("core:welcome"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:welcome"))
    for n in range(5):
        pending(scene["admin"].organisation, username=f"extra{n}")
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("core:welcome")).content.decode()
    assert "extra4" in html
    assert len(many) == len(few)
