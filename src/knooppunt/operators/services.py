"""What the operator does: admit organisations, register agreements, appoint administrators.
The console and the command line both call these functions."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from knooppunt.access.models import Product
from knooppunt.accounts.models import User
from knooppunt.accounts.services import create_user
from knooppunt.audit.services import record
from knooppunt.organisations.models import Agreement, EmailDomain, Organisation


@transaction.atomic
def create_organisation(
    actor,
    *,
    domains: list[str] = (),
    products: list[str] = (),
    agreements_signed: bool = False,
    request=None,
    **fields,
) -> Organisation:
    """Validate everything first (full_clean), then write the organisation and its parts."""
    organisation = Organisation(**fields)
    organisation.clean()
    organisation.full_clean()
    unknown = set(products) - set(Product.objects.values_list("code", flat=True))
    if unknown:
        raise ValidationError({"products": f"Onbekend product: {', '.join(sorted(unknown))}"})
    domain_objects = [EmailDomain(domain=d.strip().lower()) for d in domains]
    for domain in domain_objects:
        domain.full_clean(exclude=["organisation"])
    organisation.save()
    for domain in domain_objects:
        domain.organisation = organisation
        domain.save()
    organisation.products.set(Product.objects.filter(code__in=products))
    record(
        "organisation.create",
        actor=actor,
        request=request,
        organisation=organisation,
        target=organisation,
        details={"products": sorted(products), "domains": list(domains)},
    )
    if agreements_signed:
        for kind in organisation.required_agreement_kinds():
            register_agreement(actor, organisation, kind, datetime.date.today(), request=request)
    return organisation


@transaction.atomic
def register_agreement(actor, organisation, kind, signed_on, *, request=None) -> Agreement:
    agreement, _created = Agreement.objects.update_or_create(
        organisation=organisation,
        kind=kind,
        defaults={"signed_on": signed_on, "registered_by": actor},
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


def appoint_admin(actor, organisation, data: dict, *, request=None) -> User:
    """Create an administrator (also an ordinary user of that organisation) and invite it."""
    user = create_user(actor, organisation, data, is_administrator=True, request=request)
    record(
        "user.appoint_admin", actor=actor, request=request, organisation=organisation, target=user
    )
    return user
