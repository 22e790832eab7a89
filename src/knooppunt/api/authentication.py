"""Authentication of a webservice credential (`Authorization: Bearer <key>`) as the API-client
actor of its organisation and product (products.principals).

One statement finds the key's row by its prefix, with its organisation and product, whether the
organisation still has the product and whether all its agreements are registered; then the
SHA-512 of the key is compared in constant time. A refused key gets 401 (unknown, revoked,
expired, replaced) or 403 (an address outside the allowed networks, an organisation without the
product or its agreements), and the refusal is audited, at most once a minute per address and
reason (api.services.record_refusal).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication

from knooppunt.access.models import Product
from knooppunt.access.principals import ANONYMOUS, Principal
from knooppunt.core import sql
from knooppunt.core.http import client_ip
from knooppunt.organisations.models import Agreement, AgreementKind, Organisation
from knooppunt.products import keys
from knooppunt.products.models import Credential
from knooppunt.products.principals import principal_for_credential

from . import problems, ratelimit
from .models import RateCounter

REALM = 'Bearer realm="knooppunt"'


def anonymous() -> Principal:
    """REST_FRAMEWORK["UNAUTHENTICATED_USER"]: a request without a key is the anonymous actor."""
    return ANONYMOUS


@dataclass
class Found:
    credential: Credential
    has_product: bool
    agreements: bool
    # The credential's default rate counter as stored (hits, previous hits, window start), or
    # None: read here, so that a call within its limit writes its count only with its audit
    # event (api.throttling).
    counter: tuple[int, int, int] | None = None


# What a call needs of the organisation and the product; the rest stays deferred (loading all
# of the organisation's columns costs more than the statement itself).
ORGANISATION_FIELDS = ("id", "naam", "weergavenaam", "type", "agb_code", "gemeentecode")
PRODUCT_FIELDS = ("id", "code", "naam")


def _some_columns(model, prefix: str, names: tuple[str, ...]) -> str:
    return ", ".join(f"{prefix}.{sql.column(model, name)}" for name in names)


@cache
def _lookup_sql(vendor: str) -> str:
    products = Organisation.products.through
    c, o, p, r = "c", "o", "p", "r"
    col = sql.column
    counter = ", ".join(
        f"{r}.{col(RateCounter, name)}" for name in ("hits", "previous_hits", "window_start")
    )
    return (
        f"SELECT {sql.columns(Credential, c)}, "  # noqa: S608
        f"{_some_columns(Organisation, o, ORGANISATION_FIELDS)}, "
        f"{_some_columns(Product, p, PRODUCT_FIELDS)}, "
        f"EXISTS (SELECT 1 FROM {sql.table(products)} op "
        f"WHERE op.{col(products, 'organisation')} = {c}.{col(Credential, 'organisation')} "
        f"AND op.{col(products, 'product')} = {c}.{col(Credential, 'product')}), "
        f"NOT EXISTS (SELECT 1 FROM {sql.table(AgreementKind)} k "
        f"WHERE k.{col(AgreementKind, 'organisation_type')} = {o}.{col(Organisation, 'type')} "
        f"AND NOT EXISTS (SELECT 1 FROM {sql.table(Agreement)} a "
        f"WHERE a.{col(Agreement, 'kind')} = k.{col(AgreementKind, 'id')} "
        f"AND a.{col(Agreement, 'organisation')} = {o}.{col(Organisation, 'id')})), "
        f"{counter} "
        f"FROM {sql.table(Credential)} {c} "
        f"JOIN {sql.table(Organisation)} {o} "
        f"ON {o}.{col(Organisation, 'id')} = {c}.{col(Credential, 'organisation')} "
        f"JOIN {sql.table(Product)} {p} "
        f"ON {p}.{col(Product, 'id')} = {c}.{col(Credential, 'product')} "
        f"LEFT JOIN {sql.table(RateCounter)} {r} ON {r}.{col(RateCounter, 'key')} = "
        f"{ratelimit.credential_key_sql(c + '.' + col(Credential, 'id'))} "
        f"WHERE {c}.{col(Credential, 'prefix')} = %s "
        f"OR {c}.{col(Credential, 'previous_prefix')} = %s"
    )


def lookup(prefix: str) -> list[Found]:
    """The credentials whose current or previous key has this prefix (one, practically)."""
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(connection.vendor), [prefix, prefix])
        rows = cursor.fetchall()
    found = []
    first, second = sql.width(Credential), sql.width(Credential) + len(ORGANISATION_FIELDS)
    at = second + len(PRODUCT_FIELDS)
    for row in rows:
        credential = sql.instance(Credential, row, 0)
        assert isinstance(credential, Credential)
        # Text columns only: no converters needed.
        credential.organisation = Organisation.from_db(
            "default", ORGANISATION_FIELDS, row[first:second]
        )
        credential.product = Product.from_db("default", PRODUCT_FIELDS, row[second:at])
        stored = row[at + 2 : at + 5]
        counter = (
            (int(stored[0]), int(stored[1]), int(stored[2])) if stored[0] is not None else None
        )
        found.append(Found(credential, bool(row[at]), bool(row[at + 1]), counter))
    return found


REFUSALS = {
    # reason: (problem type, Dutch detail)
    "malformed": (
        problems.AUTHENTICATION_FAILED,
        lambda: _("Stuur de sleutel als “Authorization: Bearer <sleutel>”."),
    ),
    "unknown": (problems.AUTHENTICATION_FAILED, lambda: _("Deze sleutel is onbekend.")),
    "revoked": (
        problems.AUTHENTICATION_FAILED,
        lambda: _("De webservice-koppeling van deze sleutel is ingetrokken."),
    ),
    "expired": (
        problems.AUTHENTICATION_FAILED,
        lambda: _("De webservice-koppeling van deze sleutel is verlopen."),
    ),
    "replaced": (
        problems.AUTHENTICATION_FAILED,
        lambda: _(
            "Deze sleutel is vernieuwd en de overgangstermijn is voorbij: gebruik de nieuwe."
        ),
    ),
    "address": (
        problems.ADDRESS_REFUSED,
        lambda: _("Verzoeken met deze sleutel mogen niet van dit IP-adres komen."),
    ),
    "organisation": (
        problems.ORGANISATION_BLOCKED,
        lambda: _(
            "Uw organisatie neemt dit product niet (meer) af, of nog niet al haar "
            "overeenkomsten zijn geregistreerd."
        ),
    ),
}


def refuse(request, reason: str, credential: Credential | None = None) -> problems.Problem:
    from . import services

    services.record_refusal(request, reason, credential)
    kind, detail = REFUSALS[reason]
    headers = {"WWW-Authenticate": REALM + ', error="invalid_token"'} if kind.status == 401 else {}
    return problems.Problem(kind, detail=detail(), headers=headers)


class CredentialAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION")
        if header is None:
            return None
        scheme, _space, key = header.strip().partition(" ")
        key = key.strip()
        prefix = keys.prefix_of(key) if scheme.lower() == "bearer" else None
        if prefix is None:
            raise refuse(request, "malformed")
        matched, which = None, ""
        for found in lookup(prefix):
            credential = found.credential
            if credential.prefix == prefix and keys.matches(key, credential.hashed_key):
                matched, which = found, "current"
            elif credential.previous_prefix == prefix and keys.matches(
                key, credential.previous_hashed_key
            ):
                matched, which = found, "previous"
            if matched:
                break
        if matched is None:
            raise refuse(request, "unknown")
        credential, now = matched.credential, timezone.now()
        if credential.revoked_at is not None:
            raise refuse(request, "revoked", credential)
        if credential.expires_at is not None and credential.expires_at <= now:
            raise refuse(request, "expired", credential)
        if which == "previous" and not (
            credential.previous_valid_until and credential.previous_valid_until > now
        ):
            raise refuse(request, "replaced", credential)
        if not credential.allows_address(client_ip(request)):
            raise refuse(request, "address", credential)
        if not (matched.has_product and matched.agreements):
            raise refuse(request, "organisation", credential)
        request._request.api_key_used = which
        request._request.api_counter = matched.counter
        return principal_for_credential(credential, agreements=matched.agreements), credential

    def authenticate_header(self, request) -> str:
        return REALM
