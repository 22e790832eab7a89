"""The doors of product settings: notification addresses and webservice credentials. Each checks
`products.configure` (or an operator rule) once, changes state in one transaction and writes its
audit event (core.doors)."""

from __future__ import annotations

import datetime
import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.access import rules
from knooppunt.access.principals import ActorKind, as_principal
from knooppunt.audit.services import record
from knooppunt.core.doors import nothing_changed, service
from knooppunt.jobs.mail import send_later

from . import keys
from .models import Credential, CredentialStatus, NotificationAddress
from .scope import ProductScope

MAX_ADDRESSES = 10
MAX_NETWORKS = 20
MAX_LIVE_CREDENTIALS = 20
GRACE_CHOICES_HOURS = (0, 1, 24, 168)


def _username(actor) -> str:
    return as_principal(actor).name


def _user_of(actor):
    principal = as_principal(actor)
    return principal.subject if principal.kind in (ActorKind.USER, ActorKind.OPERATOR) else None


# --- Meldingen ---------------------------------------------------------------------------------


def clean_notification_email(email: str, organisation) -> str:
    """A valid address inside one of the organisation's e-mail domains, when it has any.
    Functional addresses (berichten@, info@) are fine here: they are not personal accounts."""
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": _("Vul een e-mailadres in.")}, code="required")
    if len(email) > 254:
        raise ValidationError({"email": _("Gebruik ten hoogste 254 tekens.")}, code="max_length")
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("Vul een geldig e-mailadres in.")}, code="invalid"
        ) from None
    local, _at, domain = email.rpartition("@")
    domain = domain.lower()
    domains = organisation.domain_list()
    if domains and domain not in domains:
        raise ValidationError(
            {
                "email": _(
                    "Het e-mailadres moet binnen het domein van uw organisatie vallen "
                    "(%(domains)s)."
                )
                % {"domains": ", ".join(domains)}
            },
            code="foreign_domain",
        )
    return f"{local}@{domain}"


@service(rule="products.configure", audit=("products.notification_add",))
def add_notification_address(
    actor, scope: ProductScope, email: str, *, request=None
) -> NotificationAddress:
    rules.require(actor, "products.configure", scope)
    email = clean_notification_email(email, scope.organisation)
    existing = NotificationAddress.objects.filter(
        organisation=scope.organisation, product=scope.product
    )
    if existing.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Dit adres staat er al.")}, code="duplicate")
    if existing.count() >= MAX_ADDRESSES:
        raise ValidationError(
            {"email": _("Er kunnen ten hoogste %(max)d adressen zijn.") % {"max": MAX_ADDRESSES}},
            code="too_many",
        )
    try:
        with transaction.atomic():
            address = NotificationAddress.objects.create(
                organisation=scope.organisation,
                product=scope.product,
                email=email,
                created_by_username=_username(actor),
            )
    except IntegrityError:  # the same address added at the same moment elsewhere
        raise ValidationError({"email": _("Dit adres staat er al.")}, code="duplicate") from None
    record(
        "products.notification_add",
        actor=actor,
        request=request,
        organisation=scope.organisation_id,
        target=address,
        details={"product": scope.product_code, "email": email},
    )
    return address


@service(rule="products.configure", audit=("products.notification_remove",))
def remove_notification_address(actor, address: NotificationAddress, *, request=None) -> None:
    rules.require(actor, "products.configure", address)
    deleted, _rows = NotificationAddress.objects.filter(pk=address.pk).delete()
    if not deleted:
        nothing_changed()
        return
    record(
        "products.notification_remove",
        actor=actor,
        request=request,
        organisation=address.organisation_id,
        target=address,
        details={"product": address.product.code, "email": address.email},
    )


@service(rule="products.configure", audit=("products.notification_test",))
def send_test_mail(actor, address: NotificationAddress, *, request=None) -> None:
    """ "Testmail versturen": a mail through the job queue, as every notification goes."""
    rules.require(actor, "products.configure", address)
    send_later(
        "products.test_mail",
        address.email,
        organisation_id=address.organisation_id,
        address=address.pk,
        requested_by=_username(actor),
    )
    record(
        "products.notification_test",
        actor=actor,
        request=request,
        organisation=address.organisation_id,
        target=address,
        details={"product": address.product.code, "email": address.email},
    )


# --- Webservice-koppelingen ------------------------------------------------------------------


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Geef de koppeling een naam.")}, code="required")
    if len(name) > 100:
        raise ValidationError({"name": _("Gebruik ten hoogste 100 tekens.")}, code="max_length")
    return name


def clean_networks(value) -> list[str]:
    """Networks in CIDR notation, one per line or separated by commas or spaces; a single
    address is a network of one. Host bits are cleared (192.0.2.7/24 becomes 192.0.2.0/24)."""
    if isinstance(value, str):
        parts = value.replace(",", " ").split()
    else:
        parts = [str(p).strip() for p in value or [] if str(p).strip()]
    networks: list[str] = []
    problems = []
    for part in parts:
        try:
            network = ipaddress.ip_network(part, strict=False)
        except ValueError:
            problems.append(
                _("%(value)s is geen IP-adres of netwerk (bijvoorbeeld 192.0.2.0/24).")
                % {"value": part[:60]}
            )
            continue
        if str(network) not in networks:
            networks.append(str(network))
    if problems:
        raise ValidationError({"networks": problems}, code="invalid")
    if len(networks) > MAX_NETWORKS:
        raise ValidationError(
            {"networks": _("Geef ten hoogste %(max)d netwerken op.") % {"max": MAX_NETWORKS}},
            code="too_many",
        )
    return networks


def expiry_moment(expires_on: datetime.date | None) -> datetime.datetime | None:
    """A credential valid through `expires_on` stops at the start of the next day (local)."""
    if expires_on is None:
        return None
    next_day = expires_on + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))


def _clean_expiry(expires_on: datetime.date | None) -> datetime.datetime | None:
    if expires_on is None:
        return None
    if expires_on < timezone.localdate():
        raise ValidationError(
            {"expires_on": _("Kies een vervaldatum van vandaag of later.")}, code="past"
        )
    if expires_on > timezone.localdate() + datetime.timedelta(days=5 * 366):
        raise ValidationError(
            {"expires_on": _("Kies een vervaldatum binnen vijf jaar.")}, code="too_far"
        )
    return expiry_moment(expires_on)


def live_credentials(scope: ProductScope):
    return Credential.objects.filter(
        organisation=scope.organisation, product=scope.product, revoked_at__isnull=True
    )


@service(rule="products.configure", audit=("products.credential_create",))
def create_credential(
    actor,
    scope: ProductScope,
    *,
    name: str,
    expires_on: datetime.date | None = None,
    networks=(),
    request=None,
) -> tuple[Credential, str]:
    """A new credential; returns it with its key, which exists only in this return value."""
    rules.require(actor, "products.configure", scope)
    problems: dict[str, list] = {}
    values: dict = {}
    checks: tuple = (
        ("name", clean_name, name),
        ("expires_on", _clean_expiry, expires_on),
        ("networks", clean_networks, networks),
    )
    for field, clean, raw in checks:
        try:
            values[field] = clean(raw)
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                problems.setdefault(key, []).extend(errors)
    if problems:
        raise ValidationError(problems)
    if live_credentials(scope).count() >= MAX_LIVE_CREDENTIALS:
        raise ValidationError(
            _("Er kunnen ten hoogste %(max)d koppelingen tegelijk actief zijn.")
            % {"max": MAX_LIVE_CREDENTIALS},
            code="too_many",
        )
    new = keys.generate()
    credential = Credential.objects.create(
        organisation=scope.organisation,
        product=scope.product,
        name=values["name"],
        prefix=new.prefix,
        hashed_key=new.hashed,
        allowed_networks=values["networks"],
        expires_at=values["expires_on"],
        created_by=_user_of(actor),
        created_by_username=_username(actor),
    )
    record(
        "products.credential_create",
        actor=actor,
        request=request,
        organisation=scope.organisation_id,
        target=credential,
        details={
            "product": scope.product_code,
            "prefix": new.prefix,
            "expires_on": expires_on.isoformat() if expires_on else "",
            "networks": values["networks"],
        },
    )
    return credential, new.key


def _locked(credential: Credential) -> Credential:
    return (
        Credential.objects.select_for_update()
        .select_related("product", "organisation")
        .get(pk=credential.pk)
    )


@service(rule="products.configure", audit=("products.credential_revoke",))
def revoke_credential(actor, credential: Credential, *, request=None) -> Credential:
    """ "Intrekken": the key (and a previous one in its grace period) stops working at once.
    Irreversible: a new koppeling gets a new key."""
    rules.require(actor, "products.configure", credential)
    locked = _locked(credential)
    if locked.revoked_at is not None:
        nothing_changed()
        return locked
    locked.revoked_at = timezone.now()
    locked.revoked_by_username = _username(actor)
    locked.previous_valid_until = None
    locked.save(update_fields=["revoked_at", "revoked_by_username", "previous_valid_until"])
    record(
        "products.credential_revoke",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
        details={"product": locked.product.code, "prefix": locked.prefix},
    )
    return locked


@service(rule="products.configure", audit=("products.credential_rotate",))
def rotate_credential(
    actor, credential: Credential, *, grace_hours: int, request=None
) -> tuple[Credential, str]:
    """ "Vernieuwen": a new key; the current one keeps working for `grace_hours` so that the
    integrator can switch without an outage (0: it stops at once). A key from an earlier
    rotation that was still in its grace period stops now."""
    rules.require(actor, "products.configure", credential)
    if grace_hours not in GRACE_CHOICES_HOURS:
        raise ValidationError({"grace_hours": _("Kies een overgangstermijn.")}, code="invalid")
    locked = _locked(credential)
    if locked.status() != CredentialStatus.ACTIVE:
        raise ValidationError(
            _("Alleen een actieve koppeling kan worden vernieuwd."), code="not_active"
        )
    now = timezone.now()
    new = keys.generate()
    old_prefix = locked.prefix
    if grace_hours:
        locked.previous_prefix = old_prefix
        locked.previous_hashed_key = locked.hashed_key
        locked.previous_valid_until = now + datetime.timedelta(hours=grace_hours)
    else:
        locked.previous_prefix, locked.previous_hashed_key = None, ""
        locked.previous_valid_until = None
    locked.prefix, locked.hashed_key, locked.rotated_at = new.prefix, new.hashed, now
    locked.save(
        update_fields=[
            "prefix",
            "hashed_key",
            "previous_prefix",
            "previous_hashed_key",
            "previous_valid_until",
            "rotated_at",
        ]
    )
    record(
        "products.credential_rotate",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
        details={
            "product": locked.product.code,
            "prefix": new.prefix,
            "previous_prefix": old_prefix,
            "grace_hours": grace_hours,
        },
    )
    return locked, new.key


@service(rule="products.set_rate_limit", audit=("products.credential_rate_limit",))
def set_rate_limit(actor, credential: Credential, limit: int | None, *, request=None) -> None:
    """The operator gives one credential its own limit (requests per rate window); None: the
    installation's default (KNOOPPUNT_API_RATE_LIMIT)."""
    rules.require(actor, "products.set_rate_limit", credential)
    if limit is not None and not 1 <= limit <= 1_000_000:
        raise ValidationError(
            {"rate_limit": _("Kies een limiet tussen 1 en 1.000.000.")}, code="invalid"
        )
    locked = _locked(credential)
    if locked.rate_limit == limit:
        nothing_changed()
        return
    locked.rate_limit = limit
    locked.save(update_fields=["rate_limit"])
    record(
        "products.credential_rate_limit",
        actor=actor,
        request=request,
        organisation=locked.organisation_id,
        target=locked,
        details={"rate_limit": limit if limit is not None else "", "product": locked.product.code},
    )


@service(rule="products.clear_previous_keys", audit=("products.previous_keys_cleared",))
def clear_previous_keys(actor, *, now: datetime.datetime | None = None) -> int:
    """Housekeeping: forget the hashes of previous keys whose grace period has ended."""
    rules.require(actor, "products.clear_previous_keys")
    now = now or timezone.now()
    ended = Credential.objects.filter(previous_prefix__isnull=False).exclude(
        previous_valid_until__gt=now
    )
    count = ended.update(previous_prefix=None, previous_hashed_key="", previous_valid_until=None)
    if not count:
        nothing_changed()
        return 0
    record(
        "products.previous_keys_cleared",
        actor=actor,
        details={"count": count},
    )
    return count


def default_grace_hours() -> int:
    hours = settings.KNOOPPUNT_API_ROTATION_GRACE_HOURS
    return hours if hours in GRACE_CHOICES_HOURS else 24
