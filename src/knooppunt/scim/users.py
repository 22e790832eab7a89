"""Our users as SCIM User resources (RFC 7643 section 4.1) and back, and SCIM filters and sort
orders as database queries: the list of an organisation of 20,000 never filters in Python."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from pydantic_core import to_jsonable_python
from scim2_models import InvalidFilterException, InvalidPathException, Meta
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    Present,
    ValuePath,
)

from knooppunt.accounts.models import Status, User

from .filters import NOTHING, QueryVisitor
from .schema import EXTENSION_SCHEMA, USER_SCHEMA, Email, KnooppuntUser, Name, PhoneNumber
from .schema import UserResource as Resource

# What SCIM's `active` is false for: switched off, or expired (which cannot be undone).
INACTIVE = (Status.DEACTIVATED, Status.EXPIRED)


def visible(organisation_id: int) -> QuerySet[User]:
    """The users a token of the organisation reaches: its own, deleted ones excepted (their
    tombstones are the administrator's, not the client's)."""
    return (
        User.objects.filter(organisation_id=organisation_id)
        .exclude(status=Status.DELETED)
        .select_related("scim_external_id")
    )


def etag(user: User) -> str:
    return f'W/"{user.version}"'


def external_id(user: User) -> str | None:
    if not user.pk:
        return None
    try:
        return user.scim_external_id.value
    except User.scim_external_id.RelatedObjectDoesNotExist:
        return None


def to_resource(user: User, base_url: str) -> Resource:
    resource = Resource(
        id=str(user.pk),
        external_id=external_id(user),
        user_name=user.username,
        name=Name(
            given_name=user.voornaam,
            family_name=user.achternaam,
            middle_name=user.tussenvoegsel or None,
        ),
        emails=[Email(value=user.email, type="work")] if user.email else None,
        phone_numbers=(
            [PhoneNumber(value=user.telefoonnummer, type="mobile")] if user.telefoonnummer else None
        ),
        active=user.status not in INACTIVE,
        meta=Meta(
            resource_type="User",
            created=user.created_at,
            location=f"{base_url}/Users/{user.pk}",
            version=etag(user),
        ),
    )
    if user.uzi_nummer:
        resource[KnooppuntUser] = KnooppuntUser(uzi_nummer=user.uzi_nummer)
    return resource


# The columns a SCIM User is made of: a list loads these only.
RESOURCE_FIELDS = (
    "id",
    "username",
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "email",
    "telefoonnummer",
    "uzi_nummer",
    "status",
    "created_at",
    "version",
    "scim_external_id__value",
)


def listed(users: QuerySet[User]):
    """The rows a page of whole users is written from (`to_json`): plain values, no models."""
    return users.values(*RESOURCE_FIELDS)


def to_json(row: dict, base_url: str) -> dict:
    """What `to_resource(user).model_dump(scim_ctx=Context.SEARCH_RESPONSE)` gives, written
    out from a row of `listed`: a page of 100 users without the models and their serialiser
    costs a fraction of the time (the equality is a test, tests/test_users.py)."""
    pk = row["id"]
    schemas = [USER_SCHEMA]
    body: dict[str, Any] = {"schemas": schemas, "id": str(pk)}
    if row["scim_external_id__value"] is not None:
        body["externalId"] = row["scim_external_id__value"]
    body["meta"] = {
        "resourceType": "User",
        "created": to_jsonable_python(row["created_at"]),
        "location": f"{base_url}/Users/{pk}",
        "version": f'W/"{row["version"]}"',
    }
    body["userName"] = row["username"]
    name = {"givenName": row["voornaam"], "familyName": row["achternaam"]}
    if row["tussenvoegsel"]:
        name["middleName"] = row["tussenvoegsel"]
    body["name"] = name
    if row["email"]:
        body["emails"] = [{"value": row["email"], "type": "work"}]
    if row["telefoonnummer"]:
        body["phoneNumbers"] = [{"value": row["telefoonnummer"], "type": "mobile"}]
    body["active"] = row["status"] not in INACTIVE
    if row["uzi_nummer"]:
        schemas.append(EXTENSION_SCHEMA)
        body[EXTENSION_SCHEMA] = {"uziNummer": row["uzi_nummer"]}
    return body


def voorletters(voornaam: str) -> str:
    """'Jan Pieter' -> 'J.P.'; at most the column's 20 characters."""
    letters = [part[0].upper() for part in re.split(r"[\s\-]+", voornaam) if part]
    return "".join(f"{letter}." for letter in letters)[:20]


def _pick(entries: list[Any] | None, wanted_type: str) -> Any:
    """RFC 7643 2.4: the primary value, else one of the type we keep, else the first."""
    entries = [e for e in entries or [] if getattr(e, "value", None)]
    for entry in entries:
        if getattr(entry, "primary", None):
            return entry
    typed = [e for e in entries if (getattr(e, "type", None) or "").lower() == wanted_type]
    return (typed or entries or [None])[0]


@dataclass
class Wanted:
    """What a request asks a user to become, in our fields."""

    data: dict  # the personal fields of accounts.services.clean_personal_data
    active: bool | None
    external_id: str | None


def wanted(resource: Resource, current: User | None) -> Wanted:
    """The personal data a resource describes. Fields SCIM does not know (memo) keep their
    value; voorletters are derived from the given name when it is new or changed."""
    name = resource.name or Name.model_validate({})
    voornaam = (name.given_name or "").strip()
    email = _pick(resource.emails, "work")
    mobile = _pick(resource.phone_numbers, "mobile")
    extension = resource[KnooppuntUser]
    if current is not None and current.voornaam == voornaam:
        initials = current.voorletters
    else:
        initials = voorletters(voornaam)
    data = {
        "voorletters": initials,
        "voornaam": voornaam,
        "tussenvoegsel": (name.middle_name or "").strip(),
        "achternaam": (name.family_name or "").strip(),
        "email": email.value if email else "",
        "telefoonnummer": mobile.value if mobile else "",
        "uzi_nummer": (extension.uzi_nummer if extension else None) or "",
        "memo": current.memo if current is not None else "",
    }
    return Wanted(data=data, active=resource.active, external_id=resource.external_id)


def changed_fields(user: User, data: dict) -> bool:
    return any(getattr(user, name) != value for name, value in data.items())


# --- filters and sort orders ------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """An attribute as a column: its lookup, whether strings compare case-exactly, and the
    value a virtual attribute (emails.type) always has where the column is filled."""

    lookup: str
    kind: str = "string"  # string, boolean, datetime, id, constant
    case_exact: bool = False
    constant_of: str = ""  # for kind == "constant": the column whose presence it follows


COLUMNS: dict[str, Column] = {
    "id": Column("pk", kind="id"),
    "username": Column("username"),
    "externalid": Column("scim_external_id__value", case_exact=True),
    "name.givenname": Column("voornaam"),
    "name.familyname": Column("achternaam"),
    "name.middlename": Column("tussenvoegsel"),
    "emails": Column("email"),
    "emails.value": Column("email"),
    "emails.type": Column("work", kind="constant", constant_of="email"),
    "phonenumbers": Column("telefoonnummer"),
    "phonenumbers.value": Column("telefoonnummer"),
    "phonenumbers.type": Column("mobile", kind="constant", constant_of="telefoonnummer"),
    "active": Column("status", kind="boolean"),
    "meta.created": Column("created_at", kind="datetime"),
    "meta.resourcetype": Column("User", kind="constant", constant_of="pk"),
    f"{EXTENSION_SCHEMA.lower()}:uzinummer": Column("uzi_nummer"),
}
# The sub-attributes a presence test of the whole complex attribute stands for.
COMPLEX = {"name": "name.familyname", "meta": "meta.created"}


def column_for(attr_path: AttrPath, parent: str = "") -> Column:
    uri = (attr_path.uri or "").lower()
    name = attr_path.attr.lower()
    if parent:
        key = f"{parent}.{name}"
    elif attr_path.sub_attr:
        key = f"{name}.{attr_path.sub_attr.lower()}"
    else:
        key = name
    if uri and uri != USER_SCHEMA.lower():
        key = f"{uri}:{key}"
    key = COMPLEX.get(key, key)
    column = COLUMNS.get(key)
    if column is None:
        raise InvalidFilterException(detail=f"Op {attr_path} kan niet worden gefilterd.")
    return column


_STRING_LOOKUPS = {
    CompareOperator.eq: "exact",
    CompareOperator.co: "contains",
    CompareOperator.sw: "startswith",
    CompareOperator.ew: "endswith",
}
_ORDER_LOOKUPS = {
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}


def _present(column: Column) -> Q:
    if column.kind == "constant":
        return _present(COLUMNS_BY_LOOKUP[column.constant_of])
    if column.kind in ("boolean", "datetime", "id"):
        return ~NOTHING
    if column.lookup.startswith("scim_external_id"):
        return Q(scim_external_id__isnull=False)
    return ~Q(**{column.lookup: ""})


COLUMNS_BY_LOOKUP = {c.lookup: c for c in COLUMNS.values() if c.kind != "constant"}


def _compare(column: Column, op: CompareOperator, value: Any) -> Q:
    if op == CompareOperator.ne:
        return ~_compare(column, CompareOperator.eq, value)
    if value is None:
        # "x eq null" reads as "x has no value" (RFC 7644 3.4.2.2 leaves it open).
        if op == CompareOperator.eq:
            return ~_present(column)
        raise InvalidFilterException(detail="Alleen eq en ne vergelijken met null.")
    if column.kind == "boolean":
        if not isinstance(value, bool) or op != CompareOperator.eq:
            raise InvalidFilterException(detail="active vergelijkt alleen met eq true of false.")
        inactive = Q(status__in=INACTIVE)
        return ~inactive if value else inactive
    if column.kind == "id":
        if op != CompareOperator.eq:
            raise InvalidFilterException(detail="id vergelijkt alleen met eq.")
        text = str(value)
        return Q(pk=int(text)) if text.isdigit() and len(text) <= 18 else NOTHING
    if column.kind == "datetime":
        if op not in _ORDER_LOOKUPS and op != CompareOperator.eq:
            raise InvalidFilterException(detail="Een datum vergelijkt met eq, gt, ge, lt of le.")
        moment = _datetime(value)
        return Q(**{f"{column.lookup}__{_ORDER_LOOKUPS.get(op, 'exact')}": moment})
    if not isinstance(value, str):
        raise InvalidFilterException(detail="Deze eigenschap vergelijkt met tekst.")
    if column.kind == "constant":
        return _constant(column, op, value)
    if op in _ORDER_LOOKUPS:
        return Q(**{f"{column.lookup}__{_ORDER_LOOKUPS[op]}": value})
    lookup = _STRING_LOOKUPS[op]
    if not column.case_exact:
        lookup = "i" + lookup
    condition = Q(**{f"{column.lookup}__{lookup}": value})
    if column.lookup in ("email", "telefoonnummer") and op != CompareOperator.eq:
        condition &= _present(column)
    return condition


def _constant(column: Column, op: CompareOperator, value: str) -> Q:
    """emails.type is "work" wherever there is an e-mail address (we keep one), and so on."""
    constant = column.lookup.lower()
    probe = value.lower()
    matches = {
        CompareOperator.eq: constant == probe,
        CompareOperator.co: probe in constant,
        CompareOperator.sw: constant.startswith(probe),
        CompareOperator.ew: constant.endswith(probe),
        CompareOperator.gt: constant > probe,
        CompareOperator.ge: constant >= probe,
        CompareOperator.lt: constant < probe,
        CompareOperator.le: constant <= probe,
    }[op]
    return _present(column) if matches else NOTHING


def _datetime(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    try:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise InvalidFilterException(detail=f"{value!r} is geen datum en tijd.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


class ToQuery(QueryVisitor):
    """A parsed SCIM filter (scim2-models' syntax tree) as a Q over the users. `lenient`: an
    attribute users do not have matches nothing (a search over several resource types, RFC
    7644 3.4.2.1) instead of being refused."""

    def __init__(self, parent: str = "", *, lenient: bool = False):
        self.parent, self.lenient = parent, lenient

    def _column(self, attr_path: AttrPath) -> Column | None:
        try:
            return column_for(attr_path, self.parent)
        except InvalidFilterException:
            if self.lenient:
                return None
            raise

    def visit_comparison(self, node: Comparison) -> Q:
        column = self._column(node.attr_path)
        return NOTHING if column is None else _compare(column, node.op, node.value)

    def visit_present(self, node: Present) -> Q:
        column = self._column(node.attr_path)
        return NOTHING if column is None else _present(column)

    def visit_value_path(self, node: ValuePath) -> Q:
        # We keep one value of each multi-valued attribute, so "any value matches" is "the
        # value matches".
        if self.parent or node.sub_attr:
            raise InvalidFilterException(detail="Geneste waardefilters worden niet ondersteund.")
        parent = node.attr_path.attr.lower()
        if parent not in ("emails", "phonenumbers"):
            if self.lenient:
                return NOTHING
            raise InvalidFilterException(detail=f"Op {node.attr_path} kan niet worden gefilterd.")
        return ToQuery(parent, lenient=self.lenient).visit(node.val_filter)


SORT_COLUMNS = {
    "id": "pk",
    "username": "username",
    "externalid": "scim_external_id__value",
    "name.givenname": "voornaam",
    "name.familyname": "achternaam",
    "name.middlename": "tussenvoegsel",
    "emails": "email",
    "emails.value": "email",
    "phonenumbers": "telefoonnummer",
    "phonenumbers.value": "telefoonnummer",
    "meta.created": "created_at",
    "active": "status",
}


def sort_lookup(path: str) -> str:
    key = path.lower()
    prefix = USER_SCHEMA.lower() + ":"
    if key.startswith(prefix):
        key = key[len(prefix) :]
    lookup = SORT_COLUMNS.get(key)
    if lookup is None:
        raise InvalidPathException(path=path, detail=f"Op {path} kan niet worden gesorteerd.")
    return lookup
