"""The admission rules applied to claims that the test broker cannot produce (it always sends
an acr and a kvk): what a broker leaves out is refused, never guessed."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from knooppunt.access.principals import COMMAND_LINE
from knooppunt.audit.models import AuditEvent
from knooppunt.eherkenning.services import Result, admit, create_broker, find_organisation
from knooppunt.testing.broker import LOA
from knooppunt.testing.factories import OrganisationFactory

from .conftest import KVK

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_with_session():
    request = RequestFactory().get("/eherkenning/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    return request


@pytest.fixture
def broker():
    return create_broker(
        COMMAND_LINE,
        naam="Makelaar",
        issuer="https://makelaar.example",
        client_id="a",
        client_secret="b",
    )


@pytest.mark.parametrize("acr", [None, "", "loa3", "urn:etoegang:core:assurance-class:loa3 ", 3])
def test_missing_or_unknown_level_is_refused(request_with_session, broker, acr):
    OrganisationFactory(kvk_nummer=KVK, login_eherkenning=True)
    claims = {"sub": "s", "pseudo_id": "p", "kvk": KVK}
    if acr is not None:
        claims["acr"] = acr
    outcome = admit(request_with_session, broker, claims)
    assert (outcome.result, outcome.reason) == (Result.REFUSED, "level")
    assert AuditEvent.objects.filter(action="eherkenning.level_refused").count() == 1


def test_missing_company_is_refused(request_with_session, broker):
    OrganisationFactory(kvk_nummer=KVK, login_eherkenning=True)
    outcome = admit(request_with_session, broker, {"sub": "s", "acr": LOA(3)})
    assert (outcome.result, outcome.reason) == (Result.REFUSED, "company")


def test_two_organisations_for_one_company_without_branches_is_ambiguous():
    OrganisationFactory(kvk_nummer=KVK, login_eherkenning=True)
    OrganisationFactory(kvk_nummer=KVK, login_eherkenning=True)
    assert find_organisation(KVK) is None
    assert find_organisation("") is None


def test_broker_choice_page_lets_its_form_lead_to_the_broker(client, broker):
    """The form's POST is answered with a redirect to the broker; browsers check that redirect
    against the page's CSP form-action, so the broker's origin must be listed there."""
    response = client.get("/eherkenning/")
    form_action = next(
        part for part in response["Content-Security-Policy"].split(";") if "form-action" in part
    )
    assert "'self'" in form_action
    assert "https://makelaar.example" in form_action
