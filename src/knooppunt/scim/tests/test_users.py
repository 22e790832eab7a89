"""Users over SCIM: the mapping to our user, the life cycle through the user-management
services, filters, paging, sorting, attribute selection, ETags and SCIM errors."""

import pytest

from knooppunt.access.models import RoleGrant
from knooppunt.accounts.models import Status, User
from knooppunt.audit.models import AuditEvent
from knooppunt.scim.models import ExternalId
from knooppunt.testing.factories import grant

from .conftest import member, new_user

pytestmark = pytest.mark.django_db
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
EXT = "urn:ietf:params:scim:schemas:extension:knooppunt:2.0:User"


def _create(scim, **overrides):
    response = scim.post("/Users", new_user(**overrides))
    assert response.status_code == 201, response.content
    return response.json()


def test_create_maps_onto_our_user_and_sends_the_invitation(scim, mail_outbox):
    body = _create(
        scim,
        phoneNumbers=[
            {"value": "06 1234 5678", "type": "mobile"},
            {"value": "0201234567", "type": "work"},
        ],
        **{EXT: {"uziNummer": "123456789"}},
    )
    user = User.objects.get(pk=body["id"])
    assert user.organisation == scim.organisation
    assert user.status == Status.INVITED
    assert (user.voornaam, user.tussenvoegsel, user.achternaam) == ("Jan Pieter", "van", "Jansen")
    assert user.voorletters == "J.P."
    assert user.email == "jan.jansen@gemeente.example"
    assert user.telefoonnummer == "+31612345678"
    assert user.uzi_nummer == "123456789"
    # userName is ours, whatever the client sent; the client's is kept as externalId.
    assert body["userName"] == user.username == "jjansen"
    assert body["externalId"] == "jan.jansen@gemeente.example"
    assert ExternalId.objects.get(user=user).from_user_name
    assert body["phoneNumbers"] == [{"value": "+31612345678", "type": "mobile"}]
    assert body["meta"]["version"] == 'W/"1"'
    assert body["meta"]["location"].endswith(f"/scim/v2/Users/{user.pk}")
    assert [m.to for m in mail_outbox.messages()] == ["jan.jansen@gemeente.example"]
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert (event.actor_kind, event.actor_username) == ("scim", "via SCIM: Entra ID")


def test_an_external_id_given_is_kept_and_the_user_name_dropped(scim):
    body = _create(scim, externalId="8c3f-objectid")
    assert body["externalId"] == "8c3f-objectid"
    assert not ExternalId.objects.get(user_id=body["id"]).from_user_name


def test_the_email_rules_apply(scim):
    response = scim.post("/Users", new_user(emails=[{"value": "info@gemeente.example"}]))
    assert response.status_code == 400
    assert response.json()["schemas"] == [ERROR]
    assert response.json()["scimType"] == "invalidValue"
    assert "persoonlijk" in response.json()["detail"]
    outside = scim.post("/Users", new_user(emails=[{"value": "jan@elders.example"}]))
    assert outside.status_code == 400 and "domein" in outside.json()["detail"]
    assert not User.objects.filter(achternaam="Jansen").exists()


def test_an_address_in_use_is_a_uniqueness_conflict(scim):
    _create(scim)
    again = scim.post("/Users", new_user(userName="tweede"))
    assert again.status_code == 409
    assert again.json()["scimType"] == "uniqueness"
    assert again.json()["status"] == "409"


def test_primary_email_wins(scim):
    body = _create(
        scim,
        emails=[
            {"value": "prive@gemeente.example", "type": "home"},
            {"value": "werk@gemeente.example", "type": "work", "primary": True},
        ],
    )
    assert User.objects.get(pk=body["id"]).email == "werk@gemeente.example"


def test_deactivation_cascades_and_reactivation_restores_no_roles(scim):
    user = member(scim, nieuwsbrief=True, contactpersoon=True)
    grant(user, "iwmo", "gebruiker")
    off = scim.patch(f"/Users/{user.pk}", {"op": "Replace", "path": "active", "value": "False"})
    assert off.status_code == 200, off.content
    assert off.json()["active"] is False
    user.refresh_from_db()
    assert user.status == Status.DEACTIVATED
    assert (user.nieuwsbrief, user.contactpersoon) == (False, False)
    assert not RoleGrant.objects.filter(user=user, active=True).exists()
    on = scim.patch(f"/Users/{user.pk}", {"op": "replace", "value": {"active": True}})
    assert on.json()["active"] is True
    user.refresh_from_db()
    assert user.status == Status.ACTIVE
    assert not RoleGrant.objects.filter(user=user, active=True).exists()
    assert RoleGrant.objects.filter(user=user, active=False).count() == 1  # to restore by hand


def test_an_invited_user_can_be_switched_off_and_on(scim):
    body = _create(scim)
    scim.patch(f"/Users/{body['id']}", {"op": "replace", "path": "active", "value": False})
    assert User.objects.get(pk=body["id"]).status == Status.DEACTIVATED
    scim.patch(f"/Users/{body['id']}", {"op": "replace", "path": "active", "value": True})
    assert User.objects.get(pk=body["id"]).status == Status.INVITED


def test_delete_with_the_reason_of_the_token(scim):
    user = member(scim)
    assert scim.delete(f"/Users/{user.pk}").status_code == 204
    user.refresh_from_db()
    assert user.status == Status.DELETED
    assert user.deletion_reason == "Verwijderd via SCIM-koppeling Entra ID"
    assert scim.get(f"/Users/{user.pk}").status_code == 404


def test_the_last_administrator_is_guarded(scim):
    response = scim.patch(
        f"/Users/{scim.admin.pk}", {"op": "replace", "path": "active", "value": False}
    )
    assert response.status_code == 400
    assert "laatste actieve gebruikersbeheerder" in response.json()["detail"]
    assert scim.delete(f"/Users/{scim.admin.pk}").status_code == 400
    scim.admin.refresh_from_db()
    assert scim.admin.status == Status.ACTIVE


def test_a_stale_etag_is_412_and_changes_nothing(scim):
    user = member(scim, voornaam="Piet")
    etag = scim.get(f"/Users/{user.pk}")["ETag"]
    assert etag == 'W/"1"'
    change = {"op": "replace", "path": "name.givenName", "value": "Klaas"}
    assert scim.patch(f"/Users/{user.pk}", change, HTTP_IF_MATCH=etag).status_code == 200
    stale = scim.patch(
        f"/Users/{user.pk}",
        {"op": "replace", "path": "name.givenName", "value": "Kees"},
        HTTP_IF_MATCH=etag,
    )
    assert stale.status_code == 412
    assert stale.json()["schemas"] == [ERROR]
    assert scim.put(f"/Users/{user.pk}", new_user(), HTTP_IF_MATCH=etag).status_code == 412
    assert scim.delete(f"/Users/{user.pk}", HTTP_IF_MATCH=etag).status_code == 412
    user.refresh_from_db()
    assert (user.voornaam, user.voorletters, user.status) == ("Klaas", "K.", Status.ACTIVE)
    fresh = scim.get(f"/Users/{user.pk}")["ETag"]
    assert scim.get(f"/Users/{user.pk}", HTTP_IF_NONE_MATCH=fresh).status_code == 304


def test_put_replaces_and_clears_what_it_leaves_out(scim):
    user = member(scim, telefoonnummer="+31611111111", memo="blijft")
    body = new_user(externalId="abc")
    response = scim.put(f"/Users/{user.pk}", body)
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert (user.achternaam, user.telefoonnummer, user.memo) == ("Jansen", "", "blijft")
    assert response.json()["externalId"] == "abc"
    assert response.json()["userName"] == user.username  # a readOnly userName is ignored


def test_entra_patch_forms(scim):
    body = _create(scim, externalId="obj-1")
    path = f"/Users/{body['id']}"
    response = scim.patch(
        path,
        {"op": "Add", "path": 'phoneNumbers[type eq "mobile"].value', "value": "0687654321"},
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "jp@gemeente.example"},
        {
            "op": "Replace",
            "value": {
                "name.familyName": "Vries",
                "name.middleName": "de",
                "displayName": "ignored",
                "title": "ignored",
                f"{EXT}:uziNummer": "987654321",
            },
        },
        {"op": "Replace", "path": "userName", "value": "jp@gemeente.example"},
    )
    assert response.status_code == 200, response.content
    user = User.objects.get(pk=body["id"])
    assert (user.telefoonnummer, user.email) == ("+31687654321", "jp@gemeente.example")
    assert (user.tussenvoegsel, user.achternaam, user.uzi_nummer) == ("de", "Vries", "987654321")
    assert response.json()["userName"] == user.username == "jjansen"
    assert response.json()["externalId"] == "obj-1"  # a real externalId does not follow
    removed = scim.patch(path, {"op": "Remove", "path": "phoneNumbers"})
    assert "phoneNumbers" not in removed.json()
    assert User.objects.get(pk=body["id"]).telefoonnummer == ""


def test_a_renamed_user_name_follows_into_the_external_id_it_became(scim):
    body = _create(scim)
    scim.patch(f"/Users/{body['id']}", {"op": "replace", "path": "userName", "value": "nieuw@x"})
    assert ExternalId.objects.get(user_id=body["id"]).value == "nieuw@x"


def test_changes_are_audited_with_the_token_as_actor(scim):
    user = member(scim)
    scim.patch(f"/Users/{user.pk}", {"op": "replace", "path": "name.familyName", "value": "Boer"})
    event = AuditEvent.objects.get(action="user.change", object_id=str(user.pk))
    assert event.actor_username == "via SCIM: Entra ID"
    assert event.details == {"fields": ["achternaam"]}


@pytest.fixture
def population(scim):
    people = [
        ("Anna", "Bakker", "anna@gemeente.example", Status.ACTIVE),
        ("Bert", "Visser", "bert@gemeente.example", Status.DEACTIVATED),
        ("Carla", "de Boer", "carla@gemeente.example", Status.ACTIVE),
        ("Dirk", "Bakkum", "dirk@gemeente.example", Status.INVITED),
    ]
    found = {}
    for voornaam, achternaam, email, status in people:
        found[voornaam] = member(
            scim,
            voornaam=voornaam,
            achternaam=achternaam,
            email=email,
            status=status,
            username=voornaam.lower(),
        )
    ExternalId.objects.create(user=found["Carla"], value="ext-carla")
    member(scim, status=Status.DELETED, username="weg", email="")
    return found


def _names(response):
    assert response.status_code == 200, response.content
    return [r["userName"] for r in response.json()["Resources"]]


@pytest.mark.parametrize(
    "expression, expected",
    [
        ('userName eq "ANNA"', ["anna"]),
        ('name.familyName sw "bakk"', ["anna", "dirk"]),
        ('name.familyName co "oer"', ["carla"]),
        ('emails co "bert@"', ["bert"]),
        ('emails[type eq "work" and value ew "carla@gemeente.example"]', ["carla"]),
        ('emails.value eq "dirk@gemeente.example"', ["dirk"]),
        ("externalId pr", ["carla"]),
        ('externalId eq "ext-carla"', ["carla"]),
        ('externalId eq "EXT-CARLA"', []),
        ("active eq false", ["bert"]),
        ('active eq true and name.givenName sw "a"', ["anna"]),
        ('name.givenName eq "Anna" or name.givenName eq "Dirk"', ["anna", "dirk"]),
        ('not (name.familyName sw "Bakk") and active eq true', ["carla"]),
        ('userName eq "weg"', []),
    ],
)
def test_filters_are_queries(scim, population, expression, expected, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = scim.get("/Users", {"filter": expression})
    assert sorted(set(_names(response)) - {scim.admin.username}) == expected


def test_paging_sorting_and_attributes(scim, population):
    response = scim.get(
        "/Users",
        {
            "sortBy": "name.givenName",
            "sortOrder": "descending",
            "startIndex": "2",
            "count": "2",
            "attributes": "userName,emails",
        },
    )
    body = response.json()
    assert body["totalResults"] == 5  # four and the administrator, not the deleted one
    assert (body["startIndex"], body["itemsPerPage"]) == (2, 2)
    assert _names(response) == ["dirk", "carla"]  # after the administrator, Piet
    assert set(body["Resources"][0]) == {"schemas", "id", "userName", "emails"}
    trimmed = scim.get("/Users", {"excludedAttributes": "emails,name", "count": "1"}).json()
    assert "emails" not in trimmed["Resources"][0] and "userName" in trimmed["Resources"][0]
    assert scim.get("/Users", {"count": "0"}).json()["Resources"] == []


def test_post_search(scim, population):
    response = scim.post(
        "/Users/.search",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": 'name.familyName sw "Bakk"',
            "sortBy": "userName",
            "attributes": ["userName"],
        },
    )
    assert _names(response) == ["anna", "dirk"]


@pytest.mark.parametrize(
    "params, scim_type",
    [
        ({"filter": "userName eq"}, "invalidFilter"),
        ({"filter": 'title eq "x"'}, "invalidFilter"),
        ({"filter": 'active eq "yes"'}, "invalidFilter"),
        ({"count": "veel"}, "invalidValue"),
        ({"sortBy": "password"}, "invalidPath"),
    ],
)
def test_bad_queries_are_400(scim, params, scim_type):
    response = scim.get("/Users", params)
    assert response.status_code == 400
    assert response.json()["scimType"] == scim_type


def test_bad_bodies_are_scim_errors(scim):
    raw = scim.client.post(
        "/scim/v2/Users",
        data="{niet json",
        content_type="application/scim+json",
        HTTP_AUTHORIZATION=f"Bearer {scim.secret}",
    )
    assert raw.status_code == 400 and raw.json()["scimType"] == "invalidSyntax"
    assert scim.post("/Users", {"name": "geen object"}).status_code == 400
    assert (
        scim.post("/Users", new_user(name={"givenName": "", "familyName": "X"})).status_code == 400
    )
    big = scim.client.post(
        "/scim/v2/Users",
        data="x" * (1024 * 1024 + 1),
        content_type="application/scim+json",
        HTTP_AUTHORIZATION=f"Bearer {scim.secret}",
    )
    assert big.status_code == 413 and big.json()["schemas"] == [ERROR]
    patch = scim.patch("/Users/999999", {"op": "replace", "path": "active", "value": False})
    assert patch.status_code == 404
    user = member(scim)
    assert scim.patch(f"/Users/{user.pk}", {"op": "remove", "path": "name"}).status_code == 400
    assert scim.patch(f"/Users/{user.pk}", {"op": "jump", "path": "active"}).status_code == 400
    assert (
        scim.patch(
            f"/Users/{user.pk}", {"op": "replace", "path": "emails[", "value": 1}
        ).status_code
        == 400
    )
    assert scim.get("/Users/abc").status_code == 404
    assert scim.get("/Users/" + "9" * 30).status_code == 404


def test_the_fast_page_writes_what_the_models_write(scim):
    from scim2_models import Context

    from knooppunt.scim import users as scim_users

    plain = member(scim)
    full = member(
        scim,
        tussenvoegsel="van",
        telefoonnummer="+31612345678",
        uzi_nummer="123456789",
        status=Status.DEACTIVATED,
    )
    ExternalId.objects.create(user=full, value="ext")
    base = "http://testserver/scim/v2"
    rows = {r["id"]: r for r in scim_users.listed(scim_users.visible(scim.organisation.pk))}
    for user in (plain, full):
        loaded = scim_users.visible(scim.organisation.pk).get(pk=user.pk)
        expected = scim_users.to_resource(loaded, base).model_dump(scim_ctx=Context.SEARCH_RESPONSE)
        assert scim_users.to_json(rows[user.pk], base) == expected
    listed = scim.get("/Users").json()["Resources"]
    assert {r["id"] for r in listed} == {str(pk) for pk in rows}


def test_a_page_costs_the_same_queries_whatever_its_size(scim, django_assert_num_queries):
    for _ in range(30):
        member(scim)
    with django_assert_num_queries(5):  # token, agreements, last use, count, page
        scim.get("/Users", {"count": "5"})
    with django_assert_num_queries(4):  # last use was noted a moment ago
        scim.get("/Users", {"count": "30"})
