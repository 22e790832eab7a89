"""SCIM Groups (RFC 7643 section 4.2): the product roles of the organisation's products ("iWmo
Gebruiker", "iJw Productbeheerder", ...), whose members are the users holding the role, and the
client's own groups (models.ClientGroup), which grant nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from scim2_models import InvalidFilterException, Meta
from scim2_models.path import (
    CompareOperator,
    Comparison,
    FilterVisitor,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

from knooppunt.access.models import Product, Role, RoleGrant
from knooppunt.accounts.models import Status

from .filters import NOTHING, QueryVisitor
from .models import ClientGroup
from .schema import GROUP_SCHEMA, Group, GroupMember

# The role names as the manuals write them (not translated: they are identifiers to clients).
ROLE_NAMES = {Role.GEBRUIKER: "Gebruiker", Role.PRODUCTBEHEERDER: "Productbeheerder"}


@dataclass
class RoleGroup:
    """A product role of one organisation, as a group."""

    organisation_id: int
    product: Product
    role: str
    _members: list[int] | None = field(default=None, repr=False)

    @property
    def scim_id(self) -> str:
        return f"{self.product.code}.{self.role}"

    @property
    def display_name(self) -> str:
        return f"{self.product.naam} {ROLE_NAMES[Role(self.role)]}"

    def grants(self) -> QuerySet[RoleGrant]:
        return RoleGrant.objects.filter(
            product=self.product,
            role=self.role,
            active=True,
            user__organisation_id=self.organisation_id,
        ).exclude(user__status=Status.DELETED)

    def member_ids(self) -> list[int]:
        if self._members is None:
            self._members = sorted(self.grants().values_list("user_id", flat=True))
        return self._members

    def has_member(self, user_id: int) -> bool:
        if self._members is not None:
            return user_id in self._members
        return self.grants().filter(user_id=user_id).exists()

    def version(self) -> str:
        digest = hashlib.sha256(",".join(map(str, self.member_ids())).encode()).hexdigest()
        return f'W/"{digest[:20]}"'


def role_groups(organisation) -> list[RoleGroup]:
    return [
        RoleGroup(organisation.pk, product, role)
        for product in organisation.products.order_by("volgorde")
        for role in product.roles()
    ]


def role_group(organisation, scim_id: str) -> RoleGroup | None:
    return next((g for g in role_groups(organisation) if g.scim_id == scim_id), None)


def client_groups(organisation_id: int) -> QuerySet[ClientGroup]:
    return ClientGroup.objects.filter(organisation_id=organisation_id)


def client_group(organisation_id: int, scim_id: str) -> ClientGroup | None:
    import uuid

    try:
        value = uuid.UUID(scim_id)
    except ValueError:
        return None
    return client_groups(organisation_id).filter(scim_id=value).first()


def client_member_ids(group: ClientGroup) -> list[int]:
    return sorted(group.members.exclude(status=Status.DELETED).values_list("pk", flat=True))


def client_version(group: ClientGroup) -> str:
    return f'W/"{group.version}"'


def _members(ids: list[int], base_url: str) -> list[GroupMember] | None:
    return [
        GroupMember.model_validate(
            {"value": str(pk), "$ref": f"{base_url}/Users/{pk}", "type": "User"}
        )
        for pk in ids
    ] or None


def to_resource(group: RoleGroup | ClientGroup, base_url: str, *, members: bool = True) -> Group:
    if isinstance(group, RoleGroup):
        scim_id, external, version = group.scim_id, None, group.version() if members else None
        ids = group.member_ids() if members else []
    else:
        scim_id, external, version = str(group.scim_id), group.external_id or None, None
        version = client_version(group)
        ids = client_member_ids(group) if members else []
    return Group(
        id=scim_id,
        external_id=external,
        display_name=group.display_name,
        members=_members(ids, base_url),
        meta=Meta(resource_type="Group", location=f"{base_url}/Groups/{scim_id}", version=version),
    )


# --- filters ------------------------------------------------------------------------------------


def _key(node_attr, parent: str = "") -> str:
    uri = (node_attr.uri or "").lower()
    if uri and uri != GROUP_SCHEMA.lower():
        raise InvalidFilterException(detail=f"Op {node_attr} kan niet worden gefilterd.")
    name = node_attr.attr.lower()
    if parent:
        return f"{parent}.{name}"
    return f"{name}.{node_attr.sub_attr.lower()}" if node_attr.sub_attr else name


_KEYS = {"id", "displayname", "externalid", "members", "members.value", "meta.resourcetype"}


def _check(key: str) -> str:
    if key not in _KEYS:
        raise InvalidFilterException(detail=f"Op {key} kan niet worden gefilterd.")
    return key


def _text_match(actual: str | None, op: CompareOperator, value: Any, case_exact: bool) -> bool:
    if op == CompareOperator.ne:
        return not _text_match(actual, CompareOperator.eq, value, case_exact)
    if value is None:
        return actual is None and op == CompareOperator.eq
    if actual is None or not isinstance(value, str):
        return False
    left, right = (actual, value) if case_exact else (actual.lower(), value.lower())
    return {
        CompareOperator.eq: left == right,
        CompareOperator.co: right in left,
        CompareOperator.sw: left.startswith(right),
        CompareOperator.ew: left.endswith(right),
        CompareOperator.gt: left > right,
        CompareOperator.ge: left >= right,
        CompareOperator.lt: left < right,
        CompareOperator.le: left <= right,
    }[op]


def _member_id(value: Any) -> int | None:
    text = str(value) if isinstance(value, str | int) else ""
    return int(text) if text.isdigit() and len(text) <= 18 else None


class RoleGroupMatch(FilterVisitor[bool]):
    """Whether a product role matches a filter. The roles are a catalogue of a few entries,
    not rows of a table; a membership question is one indexed query."""

    def __init__(self, group: RoleGroup, parent: str = "", *, lenient: bool = False):
        self.group, self.parent, self.lenient = group, parent, lenient

    def _key(self, attr_path) -> str | None:
        try:
            return _check(_key(attr_path, self.parent))
        except InvalidFilterException:
            if self.lenient:
                return None
            raise

    def _value(self, key: str) -> str | None:
        return {
            "id": self.group.scim_id,
            "displayname": self.group.display_name,
            "externalid": None,
            "meta.resourcetype": "Group",
        }.get(key)

    def visit_comparison(self, node: Comparison) -> bool:
        key = self._key(node.attr_path)
        if key is None:
            return False
        if key in ("members", "members.value"):
            if node.op not in (CompareOperator.eq, CompareOperator.ne):
                raise InvalidFilterException(detail="members vergelijkt alleen met eq of ne.")
            member = _member_id(node.value)
            found = member is not None and self.group.has_member(member)
            return found if node.op == CompareOperator.eq else not found
        return _text_match(self._value(key), node.op, node.value, key == "id")

    def visit_present(self, node: Present) -> bool:
        key = self._key(node.attr_path)
        if key is None:
            return False
        if key in ("members", "members.value"):
            return self.group.grants().exists()
        return self._value(key) is not None

    def visit_not(self, node: Not) -> bool:
        return not self.visit(node.expr)

    def visit_logical_expr(self, node: LogicalExpr) -> bool:
        results = (self.visit(term) for term in node.terms)
        return all(results) if node.op == LogicalOperator.and_ else any(results)

    def visit_value_path(self, node: ValuePath) -> bool:
        if node.attr_path.attr.lower() != "members" or self.parent:
            if self.lenient:
                return False
            raise InvalidFilterException(detail=f"Op {node.attr_path} kan niet worden gefilterd.")
        return RoleGroupMatch(self.group, "members", lenient=self.lenient).visit(node.val_filter)


_CLIENT_LOOKUPS = {"id": "scim_id", "displayname": "display_name", "externalid": "external_id"}


class ClientGroupQuery(QueryVisitor):
    """A filter as a Q over the client's own groups."""

    def __init__(self, parent: str = "", *, lenient: bool = False):
        self.parent, self.lenient = parent, lenient

    def _key(self, attr_path) -> str | None:
        try:
            return _check(_key(attr_path, self.parent))
        except InvalidFilterException:
            if self.lenient:
                return None
            raise

    def visit_comparison(self, node: Comparison) -> Q:
        key = self._key(node.attr_path)
        if key is None:
            return NOTHING
        if node.op == CompareOperator.ne:
            return ~self.visit_comparison(
                Comparison(node.attr_path, CompareOperator.eq, node.value)
            )
        if key in ("members", "members.value"):
            if node.op != CompareOperator.eq:
                raise InvalidFilterException(detail="members vergelijkt alleen met eq of ne.")
            member = _member_id(node.value)
            return Q(members__pk=member) if member is not None else NOTHING
        if key == "meta.resourcetype":
            return ~NOTHING if _text_match("Group", node.op, node.value, False) else NOTHING
        if not isinstance(node.value, str):
            return NOTHING
        if key == "id":
            import uuid

            try:
                value = uuid.UUID(node.value)
            except ValueError:
                return NOTHING
            return Q(scim_id=value) if node.op == CompareOperator.eq else NOTHING
        lookup = {
            CompareOperator.eq: "exact",
            CompareOperator.co: "contains",
            CompareOperator.sw: "startswith",
            CompareOperator.ew: "endswith",
            CompareOperator.gt: "gt",
            CompareOperator.ge: "gte",
            CompareOperator.lt: "lt",
            CompareOperator.le: "lte",
        }[node.op]
        if key == "displayname" and lookup in ("exact", "contains", "startswith", "endswith"):
            lookup = "i" + lookup
        return Q(**{f"{_CLIENT_LOOKUPS[key]}__{lookup}": node.value})

    def visit_present(self, node: Present) -> Q:
        key = self._key(node.attr_path)
        if key is None:
            return NOTHING
        if key in ("members", "members.value"):
            return Q(members__isnull=False)
        if key == "externalid":
            return ~Q(external_id="")
        return ~NOTHING

    def visit_value_path(self, node: ValuePath) -> Q:
        if node.attr_path.attr.lower() != "members" or self.parent:
            if self.lenient:
                return NOTHING
            raise InvalidFilterException(detail=f"Op {node.attr_path} kan niet worden gefilterd.")
        return ClientGroupQuery("members", lenient=self.lenient).visit(node.val_filter)
