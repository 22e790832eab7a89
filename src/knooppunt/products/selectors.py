"""What other apps read of product settings: the notification addresses of a product (for the
mails of berichtenverkeer and Wlz-aanvragen), and the tab's lists."""

from __future__ import annotations

from django.http import Http404

from knooppunt.access.models import Product
from knooppunt.organisations.models import Organisation

from .models import Credential, NotificationAddress
from .scope import ProductScope


def notification_addresses(organisation_id: int, product_code: str) -> list[str]:
    """The addresses that receive this product's notifications for this organisation."""
    return list(
        NotificationAddress.objects.filter(
            organisation_id=organisation_id, product__code=product_code
        )
        .order_by("email")
        .values_list("email", flat=True)
    )


def scope_or_404(organisation_id: int, product_code: str) -> ProductScope:
    """The product of the organisation, or a 404 when either is unknown or the organisation
    does not have the product. Whether the actor may open it is the rules' question."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    product = Product.objects.filter(code=product_code).first()
    if organisation is None or product is None:
        raise Http404
    if not organisation.products.filter(pk=product.pk).exists():
        raise Http404
    return ProductScope(organisation, product)


def addresses(scope: ProductScope):
    return NotificationAddress.objects.filter(
        organisation=scope.organisation, product=scope.product
    ).select_related("product")


def credentials(scope: ProductScope):
    return Credential.objects.filter(
        organisation=scope.organisation, product=scope.product
    ).select_related("product")


def managed_products(principal, organisation) -> list[Product]:
    """The products of `organisation` whose tab the actor opens, in catalogue order."""
    from knooppunt.access import rules

    return [
        product
        for product in organisation.products.order_by("volgorde")
        if rules.can(principal, "products.configure", ProductScope(organisation, product))
    ]
