"""A token, its organisation and a client for the SCIM service."""

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from knooppunt.scim import services
from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory

BASE = "/scim/v2"


@dataclass
class Scim:
    """A SCIM client of one token: JSON in, JSON out."""

    client: Client
    secret: str
    token: object
    admin: object

    @property
    def organisation(self):
        return self.admin.organisation

    def _headers(self, headers):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.secret}", **(headers or {})}

    def get(self, path, params=None, **headers):
        return self.client.get(BASE + path, params or {}, **self._headers(headers))

    def send(self, method, path, body=None, **headers):
        if method == "GET":
            return self.get(path, **headers)
        data = json.dumps(body) if body is not None else ""
        call = getattr(self.client, method.lower())
        return call(
            BASE + path, data=data, content_type="application/scim+json", **self._headers(headers)
        )

    def post(self, path, body, **headers):
        return self.send("POST", path, body, **headers)

    def put(self, path, body, **headers):
        return self.send("PUT", path, body, **headers)

    def patch(self, path, *operations, **headers):
        body = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": list(operations),
        }
        return self.send("PATCH", path, body, **headers)

    def delete(self, path, **headers):
        return self.send("DELETE", path, None, **headers)


def make_scim(organisation=None, *, name="Entra ID", networks=None) -> Scim:
    organisation = organisation or OrganisationFactory(domains=["gemeente.example"])
    admin = AdministratorFactory(
        organisation=organisation, email=f"beheer{organisation.pk}@gemeente.example"
    )
    token, secret = services.issue_token(admin, organisation, name=name, networks=networks)
    return Scim(Client(), secret, token, admin)


@pytest.fixture
def scim(db) -> Scim:
    return make_scim()


@pytest.fixture
def other_scim(db) -> Scim:
    return make_scim(
        OrganisationFactory(naam="Gemeente Anders", domains=["anders.example"]), name="HR"
    )


def new_user(**overrides):
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "jan.jansen@gemeente.example",
        "name": {"givenName": "Jan Pieter", "familyName": "Jansen", "middleName": "van"},
        "emails": [{"value": "jan.jansen@gemeente.example", "type": "work", "primary": True}],
        "active": True,
    }
    body.update(overrides)
    return body


def member(scim: Scim, **fields):
    """A colleague in the token's organisation, with an address inside its domain."""
    from knooppunt.testing.factories import UserFactory

    user = UserFactory(organisation=scim.organisation, **fields)
    if "email" not in fields:
        user.email = f"{user.username}@gemeente.example"
        user.save(update_fields=["email"])
    return user
