"""Isolation: a token of one organisation reads, finds and changes nothing of another
organisation or of the operator, over every endpoint of the SCIM service and every method."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from knooppunt.access.models import RoleGrant
from knooppunt.access.rules import AccessRefused
from knooppunt.accounts.models import User
from knooppunt.audit.models import AuditEvent
from knooppunt.scim.models import ClientGroup, ExternalId, ScimToken
from knooppunt.testing.factories import OperatorUserFactory, grant

from .conftest import make_scim, member, new_user

pytestmark = pytest.mark.django_db
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def scim_patterns() -> list[str]:
    """Every pattern of the scim namespace, found by walking the resolver."""
    found = []

    def walk(patterns, inside):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, inside or entry.namespace == "scim")
            elif isinstance(entry, URLPattern) and inside:
                found.append(entry.name)

    walk(get_resolver().url_patterns, False)
    return found


@pytest.fixture
def world(db):
    mine = make_scim(name="Eigen")
    theirs = make_scim(name="Anders")
    their_user = member(theirs, username="vreemde", email="vreemde@gemeente.example")
    grant(their_user, "iwmo", "gebruiker")
    ExternalId.objects.create(user=their_user, value="ext-vreemd")
    group = ClientGroup.objects.create(organisation=theirs.organisation, display_name="Hun groep")
    group.members.add(their_user)
    operator = OperatorUserFactory(username="servicedesk", email="sd@beheer.example")
    return mine, theirs, their_user, group, operator


def snapshot(*organisations) -> str:
    ids = [o.pk for o in organisations]
    users = User.objects.filter(organisation_id__in=ids).order_by("pk").values()
    return json.dumps(
        [
            list(users),
            list(RoleGrant.objects.filter(user__organisation_id__in=ids).order_by("pk").values()),
            list(ClientGroup.objects.filter(organisation_id__in=ids).order_by("pk").values()),
            list(ClientGroup.members.through.objects.order_by("pk").values()),
            list(ExternalId.objects.filter(user__organisation_id__in=ids).order_by("pk").values()),
            list(ScimToken.objects.filter(organisation_id__in=ids).values("pk", "revoked_at")),
            AuditEvent.objects.filter(organisation_id__in=ids).count(),
        ],
        default=str,
        sort_keys=True,
    )


def test_the_walk_finds_every_endpoint():
    assert {
        "users",
        "user",
        "groups",
        "group",
        "search",
        "users_search",
        "groups_search",
        "config",
        "schemas",
        "schema",
        "resource_types",
        "resource_type",
    } <= set(scim_patterns())


def test_every_endpoint_and_method_with_the_others_ids(world):
    mine, theirs, their_user, group, operator = world
    before = snapshot(theirs.organisation, operator.organisation)
    foreign = {
        "user": [their_user.pk, operator.pk, theirs.admin.pk],
        "group": [group.scim_id],
    }
    paths = {
        "root": ["/"],
        "config": ["/ServiceProviderConfig"],
        "resource_types": ["/ResourceTypes"],
        "resource_type": ["/ResourceTypes/User"],
        "schemas": ["/Schemas"],
        "schema": ["/Schemas/urn:ietf:params:scim:schemas:core:2.0:User"],
        "users": ["/Users"],
        "users_search": ["/Users/.search"],
        "user": [f"/Users/{pk}" for pk in foreign["user"]],
        "groups": ["/Groups"],
        "groups_search": ["/Groups/.search"],
        "group": [f"/Groups/{pk}" for pk in foreign["group"]],
        "search": ["/.search"],
        "not_implemented": ["/Bulk", "/Me"],
        "not_found": [f"/Users/{their_user.pk}/x"],
    }
    assert set(paths) == set(scim_patterns()), "a new endpoint needs its foreign ids here"
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
        **new_user(emails=[{"value": "vreemde@gemeente.example"}]),
        "externalId": "ext-vreemd",
        "displayName": "Hun groep",
        "members": [{"value": str(their_user.pk)}],
        "filter": f'userName eq "vreemde" or id eq "{their_user.pk}"',
    }
    for name, urls in paths.items():
        for path in urls:
            for method in METHODS:
                response = mine.send(method, path, body)
                assert response.status_code in (200, 201, 204, 400, 404, 405, 409, 501), (
                    method,
                    path,
                )
                text = response.content.decode()
                for secret in ("vreemde", "ext-vreemd", "servicedesk", "Hun groep", "Anders"):
                    assert secret not in text, (method, path, secret, text[:300])
                if name in ("user", "group"):
                    # POST is not a method of a single resource, whoever's it is.
                    expected = 405 if method == "POST" else 404
                    assert response.status_code == expected, (method, path)
                    assert response.json()["schemas"] == [
                        "urn:ietf:params:scim:api:messages:2.0:Error"
                    ]
    assert snapshot(theirs.organisation, operator.organisation) == before


@pytest.mark.parametrize(
    "expression",
    [
        'userName eq "vreemde"',
        'userName eq "servicedesk"',
        'emails eq "vreemde@gemeente.example"',
        'emails co "beheer.example"',
        'externalId eq "ext-vreemd"',
        'name.familyName pr and userName sw "vreem"',
        'id eq "{their}"',
        'id eq "{operator}" or id eq "{their}"',
    ],
)
def test_no_filter_finds_the_others(world, expression):
    mine, theirs, their_user, group, operator = world
    expression = expression.format(their=their_user.pk, operator=operator.pk)
    listed = mine.get("/Users", {"filter": expression}).json()
    assert listed["totalResults"] == 0
    searched = mine.post("/Users/.search", {"filter": expression}).json()
    assert searched["totalResults"] == 0
    everywhere = mine.post("/.search", {"filter": expression}).json()
    assert everywhere["totalResults"] == 0


def test_unfiltered_lists_hold_only_the_own_organisation(world):
    mine, theirs, their_user, group, operator = world
    own = {
        str(pk)
        for pk in User.objects.filter(organisation=mine.organisation).values_list("pk", flat=True)
    }
    users = mine.get("/Users", {"count": "1000"}).json()
    assert {r["id"] for r in users["Resources"]} == own
    groups = mine.get("/Groups").json()
    assert str(group.scim_id) not in {g["id"] for g in groups["Resources"]}
    for found in groups["Resources"]:
        assert {m["value"] for m in found.get("members", [])} <= own
    assert (
        mine.get("/Groups", {"filter": f'members eq "{their_user.pk}"'}).json()["totalResults"] == 0
    )
    assert mine.get("/Groups", {"filter": 'displayName eq "Hun groep"'}).json()["totalResults"] == 0
    everything = mine.post("/.search", {"count": 1000}).json()
    assert {r["id"] for r in everything["Resources"]} <= own | {
        g["id"] for g in groups["Resources"]
    }


def test_the_others_cannot_be_made_members_of_own_groups(world):
    mine, theirs, their_user, group, operator = world
    before = snapshot(theirs.organisation, operator.organisation)
    for user in (their_user, operator):
        add = {"op": "add", "path": "members", "value": [{"value": str(user.pk)}]}
        assert mine.patch("/Groups/iwmo.gebruiker", add).status_code == 400
        created = mine.post(
            "/Groups", {"displayName": f"G{user.pk}", "members": [{"value": str(user.pk)}]}
        )
        assert created.status_code == 400
    assert snapshot(theirs.organisation, operator.organisation) == before


def test_a_token_of_the_operator_organisation_does_not_exist(world):
    mine, theirs, their_user, group, operator = world
    from knooppunt.scim import services
    from knooppunt.scim.tokens import new_secret, token_hash

    with pytest.raises(AccessRefused):
        services.issue_token(operator, operator.organisation, name="x")
    # Even one made by hand is refused.
    secret = new_secret()
    ScimToken.objects.create(
        organisation=operator.organisation, name="x", token_hash=token_hash(secret), prefix="x"
    )
    response = mine.client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
