"""The SCIM 2.0 service at /scim/v2/ (RFC 7643, RFC 7644) on scim2-models: the models parse,
validate, patch and serialise; these views authenticate the token, scope everything to its
organisation, translate filters into queries and call the services. Every answer is SCIM JSON,
errors included (urn:ietf:params:scim:api:messages:2.0:Error with its scimType)."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError as PydanticValidationError
from scim2_models import (
    Context,
    Error,
    InvalidSyntaxException,
    InvalidValueException,
    ListResponse,
    Meta,
    MutabilityException,
    NotFoundException,
    NotImplementedException,
    PatchOp,
    ResourceType,
    ResponseParameters,
    Schema,
    SCIMException,
    ScimPolicy,
    SearchRequest,
    UniquenessException,
)

from knooppunt.access import rules
from knooppunt.access.principals import Principal
from knooppunt.accounts.models import User
from knooppunt.core.http import client_ip
from knooppunt.usermanagement.services import StaleUserError

from . import groups, services, tokens
from . import schema as scim_schema
from . import users as scim_users
from .models import ClientGroup, ExternalId, ScimToken
from .schema import USER_SCHEMA, Group, UserResource

logger = logging.getLogger(__name__)

JSON_TYPE = "application/scim+json"
# What Knooppunt reads from the peculiar payloads of some clients (RFC 7644 is strict): Entra
# ID's removals with a value instead of a path filter, its paths to an entry that does not
# exist yet (emails[type eq "work"].value), and attributes we do not keep (title, department),
# which are ignored.
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)
AnyResource = UserResource | Group


class Refused(Exception):
    """A request the service answers with an Error of its own making."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None, headers=None):
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type
        self.headers = headers or {}


@dataclass
class Call:
    request: HttpRequest
    principal: Principal
    token: ScimToken
    base_url: str

    @property
    def organisation(self):
        return self.token.organisation

    @property
    def organisation_id(self) -> int:
        return self.token.organisation_id


# --- responses -------------------------------------------------------------------------------


def _json(payload: dict | None, status: int = 200, headers: dict | None = None) -> HttpResponse:
    body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=JSON_TYPE if payload else None)
    if payload is None:
        del response["Content-Type"]
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(status: int, detail: str, scim_type: str | None = None, headers=None):
    error = Error(status=status, scim_type=scim_type or None, detail=detail)
    return _json(error.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE), status, headers)


def _from_django(exc: ValidationError) -> HttpResponse:
    """The services' Dutch refusals; an address in use is SCIM's uniqueness conflict."""
    codes: set[str | None] = set()
    messages: list[str] = []
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                codes.add(error.code)
                messages.extend(f"{_ATTRIBUTE.get(name, name)}: {m}" for m in error.messages)
    else:
        for error in exc.error_list:
            codes.add(error.code)
            messages.extend(error.messages)
    detail = " ".join(messages)
    if "duplicate" in codes:
        return error_response(409, detail, "uniqueness")
    return error_response(400, detail, "invalidValue")


_ATTRIBUTE = {
    "voornaam": "name.givenName",
    "achternaam": "name.familyName",
    "tussenvoegsel": "name.middleName",
    "voorletters": "name.givenName",
    "email": "emails",
    "telefoonnummer": "phoneNumbers",
    "uzi_nummer": "uziNummer",
}


def _dump(resource, params: ResponseParameters | None, ctx=Context.RESOURCE_QUERY_RESPONSE):
    return resource.model_dump(scim_ctx=ctx, response_parameters=params)


def _resource_response(resource, params=None, status=200, ctx=Context.RESOURCE_QUERY_RESPONSE):
    headers = {}
    if resource.meta is not None:
        if resource.meta.version:
            headers["ETag"] = resource.meta.version
        if status == 201 and resource.meta.location:
            headers["Location"] = resource.meta.location
    return _json(_dump(resource, params, ctx), status, headers)


# --- the door every request passes -----------------------------------------------------------


def _authenticate(request: HttpRequest) -> ScimToken:
    challenge = {"WWW-Authenticate": 'Bearer realm="Knooppunt SCIM"'}
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 200:
        raise Refused(401, "Stuur een token van de pagina Koppelingen mee.", None, challenge)
    token = (
        ScimToken.objects.select_related("organisation")
        .filter(token_hash=tokens.token_hash(secret))
        .first()
    )
    if token is None or not token.usable or token.organisation.is_operator:
        raise Refused(401, "Dit token is onbekend, ingetrokken of verlopen.", None, challenge)
    address = client_ip(request)
    if not tokens.address_allowed(address, token.allowed_networks):
        raise Refused(403, "Dit token mag niet worden gebruikt vanaf dit adres.")
    if not token.organisation.has_all_agreements():
        raise Refused(
            403, "De organisatie heeft nog niet alle overeenkomsten; koppelen kan nog niet."
        )
    tokens.note_use(token, address)
    return token


def _read_body(request: HttpRequest) -> Any:
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > scim_schema.MAX_PAYLOAD:
        raise Refused(413, "Het verzoek is te groot.")
    body = request.body
    if len(body) > scim_schema.MAX_PAYLOAD:
        raise Refused(413, "Het verzoek is te groot.")
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise InvalidSyntaxException(detail="Het verzoek is geen geldige JSON.") from None
    if not isinstance(payload, dict):
        raise InvalidSyntaxException(detail="Het verzoek is geen JSON-object.")
    return payload


def endpoint(*methods: str) -> Callable:
    """The SCIM door: allowed methods, the token, and SCIM Errors for every refusal."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, **kwargs) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise Refused(
                        405,
                        f"{request.method} wordt hier niet ondersteund.",
                        headers={"Allow": ", ".join(methods)},
                    )
                token = _authenticate(request)
                base = request.build_absolute_uri(reverse("scim:root")).rstrip("/")
                call = Call(request, token.as_principal(), token, base)
                with POLICY:
                    return view(call, **kwargs)
            except Refused as exc:
                return error_response(exc.status, exc.detail, exc.scim_type, exc.headers)
            except SCIMException as exc:
                error = exc.to_error()
                return _json(
                    error.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE),
                    error.status or 400,
                )
            except PydanticValidationError as exc:
                error = Error.from_validation_errors(exc)[0]
                return _json(
                    error.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE),
                    error.status or 400,
                )
            except StaleUserError:
                return error_response(412, "De versie in If-Match is niet (meer) de huidige.")
            except ValidationError as exc:
                return _from_django(exc)
            except Http404:  # rules.AccessRefused too: another organisation's id
                return error_response(404, "Niet gevonden.")
            except RequestDataTooBig:
                return error_response(413, "Het verzoek is te groot.")

        return wrapped

    return decorate


def _if_match(call: Call) -> str | None:
    value = call.request.headers.get("If-Match", "").strip()
    return None if value in ("", "*") else value


def _version_number(etag: str | None) -> int | None:
    """W/"5" -> 5; an ETag that is no version of ours can never match (412)."""
    if etag is None:
        return None
    text = etag.removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 9:
        raise StaleUserError(0)
    return int(text)


def _version(resource) -> str | None:
    return resource.meta.version if resource.meta is not None else None


def _not_modified(call: Call, version: str | None) -> bool:
    wanted = call.request.headers.get("If-None-Match", "")
    return bool(version) and version in [v.strip() for v in wanted.split(",")]


def _response_parameters(model, data) -> ResponseParameters:
    params = {k: data[k] for k in ("attributes", "excludedAttributes") if data.get(k)}
    return ResponseParameters[model].model_validate(params, scim_ctx=Context.SEARCH_REQUEST)


def _search_request(model, data: dict) -> SearchRequest:
    keys = ("filter", "sortBy", "sortOrder", "startIndex", "count", "attributes")
    params = {k: data[k] for k in (*keys, "excludedAttributes") if k in data}
    return SearchRequest[model].model_validate(params, scim_ctx=Context.SEARCH_REQUEST)


def _page(search: SearchRequest) -> tuple[int, int]:
    start = max(search.start_index or 1, 1)
    count = scim_schema.DEFAULT_COUNT if search.count is None else search.count
    return start, max(0, min(count, scim_schema.MAX_RESULTS))


def _list_response(model, resources, total, start, search) -> HttpResponse:
    listing = ListResponse[model](
        total_results=total, start_index=start, items_per_page=len(resources), resources=resources
    )
    return _json(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search))


def _wants_members(params: ResponseParameters) -> bool:
    names = lambda paths: {str(p).split(".")[0].lower() for p in paths or []}  # noqa: E731
    if params.attributes:
        return "members" in names(params.attributes)
    return "members" not in names(params.excluded_attributes)


# --- discovery (RFC 7644 section 4) ----------------------------------------------------------


def _with_meta(resource, call: Call, path: str, resource_type: str):
    resource.meta = Meta(resource_type=resource_type, location=f"{call.base_url}{path}")
    return resource


@endpoint("GET")
def service_provider_config(call: Call) -> HttpResponse:
    config = scim_schema.service_provider_config(call.base_url)
    _with_meta(config, call, "/ServiceProviderConfig", "ServiceProviderConfig")
    return _json(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _discovery_list(model, items) -> HttpResponse:
    listing = ListResponse[model](
        total_results=len(items), start_index=1, items_per_page=len(items), resources=items
    )
    return _json(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE))


def _resource_types(call: Call):
    return [
        _with_meta(rt, call, f"/ResourceTypes/{rt.id}", "ResourceType")
        for rt in scim_schema.resource_types()
    ]


def _schemas(call: Call):
    return [_with_meta(s, call, f"/Schemas/{s.id}", "Schema") for s in scim_schema.schemas()]


@endpoint("GET")
def resource_types(call: Call) -> HttpResponse:
    return _discovery_list(ResourceType, _resource_types(call))


@endpoint("GET")
def resource_type(call: Call, name: str) -> HttpResponse:
    found = next((rt for rt in _resource_types(call) if rt.id == name), None)
    if found is None:
        raise NotFoundException(detail="Dit resourcetype bestaat niet.")
    return _json(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@endpoint("GET")
def schemas(call: Call) -> HttpResponse:
    return _discovery_list(Schema, _schemas(call))


@endpoint("GET")
def schema(call: Call, urn: str) -> HttpResponse:
    found = next((s for s in _schemas(call) if s.id.lower() == urn.lower()), None)
    if found is None:
        raise NotFoundException(detail="Dit schema bestaat niet.")
    return _json(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def not_implemented(call: Call) -> HttpResponse:
    raise NotImplementedException(detail="Dit deel van SCIM biedt Knooppunt niet aan.")


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def not_found(call: Call, rest: str = "") -> HttpResponse:
    raise NotFoundException(detail="Dit adres bestaat niet in de SCIM-service.")


# --- Users -----------------------------------------------------------------------------------


def _user(call: Call, user_id: str) -> User:
    if not user_id.isdigit() or len(user_id) > 18:
        raise NotFoundException(detail="Deze gebruiker bestaat niet.")
    user = scim_users.visible(call.organisation_id).filter(pk=int(user_id)).first()
    if user is None:
        raise NotFoundException(detail="Deze gebruiker bestaat niet.")
    rules.require(call.principal, "user.view", user)
    return user


def _search_users(call: Call, search: SearchRequest, *, lenient: bool = False):
    """The organisation's users for a search, in its order; the filter is a query."""
    found = scim_users.visible(call.organisation_id)
    if search.filter is not None:
        found = found.filter(scim_users.ToQuery(lenient=lenient).visit(search.filter.ast))
    order = "pk"
    if search.sort_by is not None:
        order = scim_users.sort_lookup(str(search.sort_by))
    descending = str(search.sort_order or "ascending").lower().startswith("desc")
    return found.order_by(f"-{order}" if descending else order, "pk")


@endpoint("GET", "POST")
def users(call: Call) -> HttpResponse:
    rules.require(call.principal, "scim.provision")
    if call.request.method == "POST":
        return _create_user(call)
    return _list_users(call, _search_request(UserResource, call.request.GET.dict()))


@endpoint("POST")
def users_search(call: Call) -> HttpResponse:
    rules.require(call.principal, "scim.provision")
    return _list_users(call, _search_request(UserResource, _read_body(call.request)))


def _list_users(call: Call, search: SearchRequest) -> HttpResponse:
    found = _search_users(call, search)
    start, count = _page(search)
    total = found.count()
    window = slice(start - 1, start - 1 + count)
    if search.attributes or search.excluded_attributes:
        chosen = list(found[window]) if count else []
        resources = [scim_users.to_resource(u, call.base_url) for u in chosen]
        return _list_response(UserResource, resources, total, start, search)
    page = list(scim_users.listed(found)[window]) if count else []
    # The common case, a whole page of whole users, without the models' serialiser.
    listing = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(page),
        "Resources": [scim_users.to_json(row, call.base_url) for row in page],
    }
    return _json(listing)


def _client_user_name(payload: dict) -> str | None:
    for key, value in payload.items():
        if key.lower() in ("username", f"{USER_SCHEMA.lower()}:username") and value:
            return str(value)[:255] if isinstance(value, str | int) else None
    return None


def _created(call: Call, user: User) -> HttpResponse:
    # The service's user is the saved one, its externalId attached: no need to read it again.
    resource = scim_users.to_resource(user, call.base_url)
    params = _response_parameters(UserResource, call.request.GET)
    return _resource_response(resource, params, 201, Context.RESOURCE_CREATION_RESPONSE)


def _with_active(payload: dict, active: bool) -> dict:
    """`active` is required in our schema, but a client that leaves it out is not refused:
    a new user is active, a replaced one keeps its state."""
    if not any(key.lower() == "active" for key in payload):
        payload = {**payload, "active": active}
    return payload


def _create_user(call: Call) -> HttpResponse:
    payload = _with_active(_read_body(call.request), True)
    resource = UserResource.model_validate(payload, scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    wanted = scim_users.wanted(resource, None)
    user = services.create_user(
        call.principal,
        call.organisation,
        wanted,
        client_user_name=_client_user_name(payload),
        request=call.request,
    )
    return _created(call, user)


@endpoint("GET", "PUT", "PATCH", "DELETE")
def user(call: Call, user_id: str) -> HttpResponse:
    target = _user(call, user_id)
    method = call.request.method
    if method == "GET":
        resource = scim_users.to_resource(target, call.base_url)
        version = _version(resource)
        if version and _not_modified(call, version):
            return HttpResponse(status=304, headers={"ETag": version})
        return _resource_response(resource, _response_parameters(UserResource, call.request.GET))
    expected = _version_number(_if_match(call))
    if method == "DELETE":
        services.delete_user(
            call.principal, target, expected_version=expected, request=call.request
        )
        return _json(None, 204)
    payload = _read_body(call.request)
    if method == "PUT":
        payload = _with_active(payload, target.status not in scim_users.INACTIVE)
        resource = UserResource.model_validate(
            payload, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        wanted = scim_users.wanted(resource, target)
        from_user_name = False
        if not wanted.external_id and (client_name := _client_user_name(payload)):
            wanted.external_id, from_user_name = client_name, True
    else:
        wanted, from_user_name = _patched(call, target, payload)
    updated = services.change_user(
        call.principal,
        target,
        wanted,
        expected_version=expected,
        from_user_name=from_user_name,
        request=call.request,
    )
    updated = scim_users.visible(call.organisation_id).get(pk=updated.pk)
    resource = scim_users.to_resource(updated, call.base_url)
    return _resource_response(resource, _response_parameters(UserResource, call.request.GET))


def _is_user_name(path: Any) -> bool:
    return isinstance(path, str) and path.strip().lower() in (
        "username",
        f"{USER_SCHEMA.lower()}:username",
    )


def _take_user_name(payload: dict) -> tuple[dict, str | None]:
    """Our login name is ours (readOnly): a client's change of its userName (Entra ID sends one
    when a UPN changes) is taken out of the patch and follows into the externalId where that
    came from the userName."""
    operations = payload.get("Operations", payload.get("operations"))
    if not isinstance(operations, list):
        return payload, None
    kept, name = [], None
    for operation in operations:
        if not isinstance(operation, dict):
            kept.append(operation)
            continue
        op = str(operation.get("op", "")).lower()
        if _is_user_name(operation.get("path")):
            if op in ("add", "replace") and isinstance(operation.get("value"), str):
                name = operation["value"]
            continue
        value = operation.get("value")
        if operation.get("path") is None and isinstance(value, dict):
            for key in [k for k in value if _is_user_name(k)]:
                if isinstance(value[key], str):
                    name = value[key]
                del value[key]
            if not value:
                continue
        kept.append(operation)
    payload = {**payload, "Operations": kept}
    payload.pop("operations", None)
    return payload, (name or None)


def _patched(call: Call, target: User, payload: dict) -> tuple[scim_users.Wanted, bool]:
    payload, client_name = _take_user_name(payload)
    resource = scim_users.to_resource(target, call.base_url)
    before = resource.external_id
    if payload["Operations"]:
        patch = PatchOp[UserResource].model_validate(
            payload, scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        patch.patch(resource)
    wanted = scim_users.wanted(resource, target)
    current = ExternalId.objects.filter(user=target).first()
    from_user_name = bool(current and current.from_user_name and wanted.external_id == before)
    if client_name and wanted.external_id == before and (current is None or from_user_name):
        wanted.external_id, from_user_name = client_name, True
    # A patch that leaves `active` alone keeps it (it is read back as it was).
    if wanted.active == (target.status not in scim_users.INACTIVE):
        wanted.active = None
    return wanted, from_user_name


# --- Groups ----------------------------------------------------------------------------------


def _group(call: Call, group_id: str) -> groups.RoleGroup | ClientGroup:
    found = groups.role_group(call.organisation, group_id) or groups.client_group(
        call.organisation_id, group_id
    )
    if found is None:
        raise NotFoundException(detail="Deze groep bestaat niet.")
    if isinstance(found, ClientGroup):
        rules.require(call.principal, "scim.group.change", found)
    return found


def _matching_groups(call: Call, search: SearchRequest, *, lenient: bool = False) -> list:
    roles = groups.role_groups(call.organisation)
    clients = groups.client_groups(call.organisation_id)
    if search.filter is not None:
        ast = search.filter.ast
        roles = [g for g in roles if groups.RoleGroupMatch(g, lenient=lenient).visit(ast)]
        clients = clients.filter(
            pk__in=clients.filter(groups.ClientGroupQuery(lenient=lenient).visit(ast)).values("pk")
        )
    found: list = [*roles, *clients.order_by("created_at", "pk")]
    if search.sort_by is not None:
        key = str(search.sort_by).lower().removeprefix(scim_schema.GROUP_SCHEMA.lower() + ":")
        if key not in ("displayname", "id", "externalid"):
            raise InvalidValueException(detail=f"Op {search.sort_by} kan niet worden gesorteerd.")
        found.sort(key=lambda g: _group_sort_key(g, key))
        if str(search.sort_order or "").lower().startswith("desc"):
            found.reverse()
    return found


def _group_sort_key(group, key: str) -> str:
    if key == "displayname":
        return group.display_name.lower()
    if key == "id":
        return str(group.scim_id)
    return "" if isinstance(group, groups.RoleGroup) else group.external_id


@endpoint("GET", "POST")
def groups_view(call: Call) -> HttpResponse:
    rules.require(call.principal, "scim.provision")
    if call.request.method == "POST":
        return _create_group(call)
    return _list_groups(call, _search_request(Group, call.request.GET.dict()))


@endpoint("POST")
def groups_search(call: Call) -> HttpResponse:
    rules.require(call.principal, "scim.provision")
    return _list_groups(call, _search_request(Group, _read_body(call.request)))


def _list_groups(call: Call, search: SearchRequest) -> HttpResponse:
    found = _matching_groups(call, search)
    start, count = _page(search)
    page = found[start - 1 : start - 1 + count]
    members = _wants_members(search)
    resources = [groups.to_resource(g, call.base_url, members=members) for g in page]
    return _list_response(Group, resources, len(found), start, search)


def _members(call: Call, resource: Group) -> list[User]:
    """The users a group's members name: this organisation's, or the request is refused."""
    ids = []
    for member in resource.members or []:
        value = str(member.value or "")
        if member.type not in (None, "User") or not value.isdigit() or len(value) > 18:
            raise InvalidValueException(detail=f"{value!r} is geen gebruiker van de organisatie.")
        ids.append(int(value))
    found = list(scim_users.visible(call.organisation_id).filter(pk__in=ids))
    missing = set(ids) - {u.pk for u in found}
    if missing:
        names = ", ".join(str(pk) for pk in sorted(missing))
        raise InvalidValueException(detail=f"Geen gebruiker(s) van de organisatie: {names}.")
    return found


def _name_taken(call: Call, name: str | None) -> bool:
    wanted = " ".join((name or "").split()).lower()
    return any(g.display_name.lower() == wanted for g in groups.role_groups(call.organisation))


def _create_group(call: Call) -> HttpResponse:
    resource = Group.model_validate(
        _read_body(call.request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
    )
    if _name_taken(call, resource.display_name):
        raise UniquenessException(detail="Deze productrol bestaat al; voeg leden toe met PATCH.")
    group = services.create_client_group(
        call.principal,
        call.organisation,
        display_name=resource.display_name,
        external_id=resource.external_id,
        members=_members(call, resource),
        request=call.request,
    )
    created = groups.to_resource(group, call.base_url)
    params = _response_parameters(Group, call.request.GET)
    return _resource_response(created, params, 201, Context.RESOURCE_CREATION_RESPONSE)


@endpoint("GET", "PUT", "PATCH", "DELETE")
def group(call: Call, group_id: str) -> HttpResponse:
    target = _group(call, group_id)
    method = call.request.method
    params = _response_parameters(Group, call.request.GET)
    if method == "GET":
        resource = groups.to_resource(target, call.base_url, members=_wants_members(params))
        version = _version(resource)
        if version and _not_modified(call, version):
            return HttpResponse(status=304, headers={"ETag": version})
        return _resource_response(resource, params)
    expected = _if_match(call)
    current = groups.to_resource(target, call.base_url)
    if expected is not None and expected != _version(current):
        raise StaleUserError(0)
    if method == "DELETE":
        if isinstance(target, groups.RoleGroup):
            raise MutabilityException(detail="Een productrol kan niet worden verwijderd.")
        services.delete_client_group(call.principal, target, request=call.request)
        return _json(None, 204)
    payload = _read_body(call.request)
    if method == "PUT":
        wanted = Group.model_validate(payload, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    else:
        wanted = current.model_copy(deep=True)
        PatchOp[Group].model_validate(payload, scim_ctx=Context.RESOURCE_PATCH_REQUEST).patch(
            wanted
        )
    members = _members(call, wanted)
    if isinstance(target, groups.RoleGroup):
        if " ".join((wanted.display_name or "").split()).lower() != target.display_name.lower():
            raise MutabilityException(detail="De naam van een productrol ligt vast.")
        before = set(target.member_ids())
        after = {u.pk for u in members}
        removed = list(scim_users.visible(call.organisation_id).filter(pk__in=before - after))
        services.change_role_members(
            call.principal,
            target.product,
            target.role,
            add=[u for u in members if u.pk not in before],
            remove=removed,
            request=call.request,
        )
        updated: groups.RoleGroup | ClientGroup | None = groups.role_group(
            call.organisation, target.scim_id
        )
    else:
        if wanted.display_name and _name_taken(call, wanted.display_name):
            raise UniquenessException(detail="Deze naam is die van een productrol.")
        updated = services.change_client_group(
            call.principal,
            target,
            display_name=wanted.display_name or "",
            external_id=wanted.external_id,
            members=members,
            request=call.request,
        )
    assert updated is not None
    return _resource_response(groups.to_resource(updated, call.base_url), params)


# --- POST /.search over both resource types ----------------------------------------------------


@endpoint("POST")
def root_search(call: Call) -> HttpResponse:
    """RFC 7644 3.4.3: a search over Users and Groups at once; an attribute one of them does
    not have is false for that one."""
    rules.require(call.principal, "scim.provision")
    payload = _read_body(call.request)
    search = _search_request(AnyResource, payload)
    if search.sort_by is not None:
        raise InvalidValueException(detail="Sorteren kan alleen binnen /Users of /Groups.")
    found_users = _search_users(call, search, lenient=True)
    found_groups = _matching_groups(call, search, lenient=True)
    start, count = _page(search)
    user_total = found_users.count()
    page: list = []
    if count:
        first, last = start - 1, start - 1 + count
        page = [scim_users.to_resource(u, call.base_url) for u in found_users[first:last]]
        group_first = max(0, first - user_total)
        group_last = max(0, last - user_total)
        members = _wants_members(search)
        page += [
            groups.to_resource(g, call.base_url, members=members)
            for g in found_groups[group_first:group_last]
        ]
    total = user_total + len(found_groups)
    return _list_response(AnyResource, page, total, start, search)
