"""What the operator does: admit and edit organisations, their e-mail domains and agreements,
and appoint administrators. The console, the command line and the demo data call these."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from knooppunt.access import rules
from knooppunt.access.models import Product
from knooppunt.access.principals import as_principal
from knooppunt.accounts.models import User
from knooppunt.accounts.services import new_user
from knooppunt.audit.services import record
from knooppunt.core.doors import nothing_changed, service
from knooppunt.organisations.models import Agreement, EmailDomain, Organisation


@service(
    rule="organisation.create",
    audit=("organisation.create", "organisation.domain_add", "agreement.register"),
)
def create_organisation(
    actor,
    *,
    domains: Sequence[str] = (),
    products: Sequence[str] = (),
    agreements_signed: bool = False,
    request=None,
    **fields: Any,
) -> Organisation:
    """Validate everything first (full_clean), then write the organisation and its parts."""
    rules.require(actor, "organisation.create")
    organisation = Organisation(**fields)
    organisation.clean()
    organisation.full_clean()
    unknown = set(products) - set(Product.objects.values_list("code", flat=True))
    if unknown:
        raise ValidationError(
            {"products": _("Onbekend product: %(codes)s") % {"codes": ", ".join(sorted(unknown))}}
        )
    domain_objects = [EmailDomain(domain=d.strip().lower()) for d in domains]
    for domain in domain_objects:
        domain.full_clean(exclude=["organisation"])
    organisation.save()
    organisation.products.set(Product.objects.filter(code__in=products))
    record(
        "organisation.create",
        actor=actor,
        request=request,
        organisation=organisation,
        target=organisation,
        details={"products": sorted(products), "domains": list(domains)},
    )
    for domain in domain_objects:
        domain.organisation = organisation
        _add_domain(actor, domain, request)
    if agreements_signed:
        for kind in organisation.required_agreement_kinds():
            _register_agreement(actor, organisation, kind, datetime.date.today(), request)
    return organisation


@service(rule="organisation.change", audit=("organisation.change",))
def save_organisation(actor, organisation: Organisation, changed: list[str], *, request=None):
    """Store an organisation edited in the console (its form validated it)."""
    rules.require(actor, "organisation.change", organisation)
    if organisation.pk is None:
        raise ValueError("use create_organisation for a new organisation")
    if not changed:
        nothing_changed()
        return organisation
    organisation.save()
    record(
        "organisation.change",
        actor=actor,
        request=request,
        organisation=organisation,
        target=organisation,
        details={"fields": sorted(changed)},
    )
    return organisation


@service(rule="organisation.create", audit=("organisation.create",))
def add_organisation(actor, organisation: Organisation, *, request=None) -> Organisation:
    """Store a new organisation made in the console (its form validated it; its products,
    domains and agreements follow through their own services)."""
    rules.require(actor, "organisation.create")
    organisation.save()
    record(
        "organisation.create",
        actor=actor,
        request=request,
        organisation=organisation,
        target=organisation,
    )
    return organisation


@service(rule="organisation.change", audit=("organisation.change",))
def set_products(actor, organisation: Organisation, products, *, request=None) -> None:
    """The products the organisation subscribes to (SPEC 4.1)."""
    rules.require(actor, "organisation.change", organisation)
    wanted = {p.code for p in products}
    held = set(organisation.products.values_list("code", flat=True))
    if wanted == held:
        nothing_changed()
        return
    organisation.products.set(Product.objects.filter(code__in=wanted))
    record(
        "organisation.change",
        actor=actor,
        request=request,
        organisation=organisation,
        target=organisation,
        details={"fields": ["products"], "products": sorted(wanted)},
    )


def _add_domain(actor, domain: EmailDomain, request) -> EmailDomain:
    domain.save()
    record(
        "organisation.domain_add",
        actor=actor,
        request=request,
        organisation=domain.organisation_id,
        target=domain,
        details={"domain": domain.domain},
    )
    return domain


@service(
    rule="organisation.change", audit=("organisation.domain_add", "organisation.domain_remove")
)
def save_domain(actor, domain: EmailDomain, *, request=None) -> EmailDomain:
    """Add an e-mail domain, or change one (recorded as the old one removed, the new added)."""
    rules.require(actor, "organisation.change", domain.organisation)
    domain.full_clean()
    if domain.pk is not None:
        old = EmailDomain.objects.filter(pk=domain.pk).values_list("domain", flat=True).first()
        if old == domain.domain:
            nothing_changed()
            return domain
        record(
            "organisation.domain_remove",
            actor=actor,
            request=request,
            organisation=domain.organisation_id,
            target=domain,
            details={"domain": old},
        )
    return _add_domain(actor, domain, request)


@service(rule="organisation.change", audit=("organisation.domain_remove",))
def remove_domain(actor, domain: EmailDomain, *, request=None) -> None:
    rules.require(actor, "organisation.change", domain.organisation)
    record(
        "organisation.domain_remove",
        actor=actor,
        request=request,
        organisation=domain.organisation_id,
        target=domain,
        details={"domain": domain.domain},
    )
    domain.delete()


def _register_agreement(actor, organisation, kind, signed_on, request) -> Agreement:
    agreement, _created = Agreement.objects.update_or_create(
        organisation=organisation,
        kind=kind,
        defaults={"signed_on": signed_on, "registered_by": as_principal(actor).user},
    )
    record(
        "agreement.register",
        actor=actor,
        request=request,
        organisation=organisation,
        target=agreement,
        details={"kind": kind.code, "signed_on": signed_on.isoformat()},
    )
    return agreement


@service(rule="agreement.register", audit=("agreement.register",))
def register_agreement(actor, organisation, kind, signed_on, *, request=None) -> Agreement:
    """SPEC 2: the operator registers a signed agreement (date, who registered it)."""
    rules.require(actor, "agreement.register", organisation)
    if kind.organisation_type != organisation.type:
        raise ValidationError(
            {"kind": _("Deze overeenkomst hoort niet bij dit soort organisatie.")}
        )
    return _register_agreement(actor, organisation, kind, signed_on, request)


@service(rule="user.appoint_admin", audit=("user.create", "user.appoint_admin"))
def appoint_admin(actor, organisation, data: dict, *, invite: bool = True, request=None) -> User:
    """Create an administrator (also an ordinary user of that organisation) and invite it, in
    one transaction with both events; the invitation mail is a job of that transaction."""
    rules.require(actor, "user.appoint_admin", organisation)
    user = new_user(
        actor, organisation, data, is_administrator=True, invite=invite, request=request
    )
    record(
        "user.appoint_admin", actor=actor, request=request, organisation=organisation, target=user
    )
    return user
