"""Groups over SCIM: the product roles of the organisation, whose members PATCH grants and
revokes (Entra ID's forms included), and the client's own groups, which grant nothing."""

import pytest

from knooppunt.access.models import RoleGrant
from knooppunt.audit.models import AuditEvent
from knooppunt.scim.models import ClientGroup
from knooppunt.testing.factories import OrganisationFactory, grant

from .conftest import make_scim, member

pytestmark = pytest.mark.django_db


def _held(user, code="iwmo", role="gebruiker") -> bool:
    return RoleGrant.objects.filter(user=user, product__code=code, role=role, active=True).exists()


def _member_ids(body):
    return sorted(m["value"] for m in body.get("members", []))


def test_the_groups_are_the_product_roles_of_the_organisation(db):
    scim = make_scim(
        OrganisationFactory(domains=["gemeente.example"], products=["iwmo", "wlz-aanvragen"])
    )
    body = scim.get("/Groups").json()
    names = [g["displayName"] for g in body["Resources"]]
    assert names == ["iWmo Gebruiker", "iWmo Productbeheerder", "Wlz-aanvragen Gebruiker"]
    assert body["totalResults"] == 3
    found = scim.get("/Groups", {"filter": 'displayName eq "iwmo gebruiker"'}).json()
    assert [g["id"] for g in found["Resources"]] == ["iwmo.gebruiker"]
    assert scim.get("/Groups/ijw.gebruiker").status_code == 404  # not a product of theirs


def test_members_add_and_remove_grant_and_revoke(scim):
    anna, bert = member(scim), member(scim)
    grant(bert, "iwmo", "gebruiker")
    response = scim.patch(
        "/Groups/iwmo.gebruiker",
        {"op": "Add", "path": "members", "value": [{"value": str(anna.pk)}]},
    )
    assert response.status_code == 200, response.content
    assert _member_ids(response.json()) == sorted([str(anna.pk), str(bert.pk)])
    assert _held(anna)
    event = AuditEvent.objects.get(action="role.grant", object_id=str(anna.pk))
    assert event.actor_username == "via SCIM: Entra ID"
    # RFC 7644: a filter in the path.
    scim.patch("/Groups/iwmo.gebruiker", {"op": "remove", "path": f'members[value eq "{bert.pk}"]'})
    assert not _held(bert) and _held(anna)
    # Entra ID: the members to remove in the value.
    scim.patch(
        "/Groups/iwmo.gebruiker",
        {"op": "Remove", "path": "members", "value": [{"value": str(anna.pk)}]},
    )
    assert not _held(anna)
    assert "members" not in scim.get("/Groups/iwmo.gebruiker").json()


def test_a_removal_filter_that_matches_nobody_removes_nobody(scim):
    anna = member(scim)
    grant(anna, "iwmo", "gebruiker")
    response = scim.patch(
        "/Groups/iwmo.gebruiker", {"op": "remove", "path": 'members[value eq "0"]'}
    )
    assert response.status_code == 200
    assert _held(anna)


def test_replace_members_and_entra_membership_query(scim):
    anna, bert = member(scim), member(scim)
    grant(anna, "ijw", "productbeheerder")
    scim.put(
        "/Groups/ijw.productbeheerder",
        {"displayName": "iJw Productbeheerder", "members": [{"value": str(bert.pk)}]},
    )
    assert not _held(anna, "ijw", "productbeheerder") and _held(bert, "ijw", "productbeheerder")
    # How Entra ID asks whether someone is a member.
    params = {
        "filter": f'id eq "ijw.productbeheerder" and members eq "{bert.pk}"',
        "excludedAttributes": "members",
    }
    found = scim.get("/Groups", params).json()
    assert found["totalResults"] == 1 and "members" not in found["Resources"][0]
    params["filter"] = f'id eq "ijw.productbeheerder" and members eq "{anna.pk}"'
    assert scim.get("/Groups", params).json()["totalResults"] == 0


def test_product_roles_keep_their_name_and_cannot_be_deleted(scim):
    assert scim.delete("/Groups/iwmo.gebruiker").json()["scimType"] == "mutability"
    rename = scim.patch(
        "/Groups/iwmo.gebruiker", {"op": "replace", "path": "displayName", "value": "x"}
    )
    assert rename.status_code == 400
    again = scim.post("/Groups", {"displayName": "iWmo Gebruiker"})
    assert again.status_code == 409 and again.json()["scimType"] == "uniqueness"


def test_a_deactivated_user_gets_no_role(scim):
    anna = member(scim, status="deactivated")
    response = scim.patch(
        "/Groups/iwmo.gebruiker",
        {"op": "add", "path": "members", "value": [{"value": str(anna.pk)}]},
    )
    assert response.status_code == 400
    assert not _held(anna)


def test_client_groups_are_kept_and_grant_nothing(scim):
    anna = member(scim)
    created = scim.post(
        "/Groups",
        {
            "displayName": "Afdeling Wmo",
            "externalId": "g-1",
            "members": [{"value": str(anna.pk), "type": "User"}],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert _member_ids(body) == [str(anna.pk)]
    assert body["meta"]["version"] == 'W/"1"'
    assert not RoleGrant.objects.filter(user=anna).exists()
    path = f"/Groups/{body['id']}"
    renamed = scim.patch(path, {"op": "replace", "path": "displayName", "value": "Team Wmo"})
    assert renamed.json()["displayName"] == "Team Wmo"
    assert scim.patch(path, {"op": "remove", "path": "members"}).status_code == 200
    assert ClientGroup.objects.get().members.count() == 0
    stale = scim.delete(path, HTTP_IF_MATCH='W/"1"')
    assert stale.status_code == 412
    assert scim.delete(path).status_code == 204
    assert scim.get(path).status_code == 404


def test_members_must_be_users_of_the_organisation(scim, other_scim):
    stranger = member(other_scim, email="vreemd@anders.example")
    response = scim.patch(
        "/Groups/iwmo.gebruiker",
        {"op": "add", "path": "members", "value": [{"value": str(stranger.pk)}]},
    )
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert not _held(stranger)
    response = scim.post("/Groups", {"displayName": "X", "members": [{"value": "abc"}]})
    assert response.status_code == 400


def test_root_search_covers_users_and_groups(scim):
    anna = member(scim, username="anna")
    body = scim.post(
        "/.search", {"filter": 'userName eq "anna" or displayName eq "iWmo Gebruiker"'}
    ).json()
    assert [r["id"] for r in body["Resources"]] == [str(anna.pk), "iwmo.gebruiker"]
    assert body["totalResults"] == 2
