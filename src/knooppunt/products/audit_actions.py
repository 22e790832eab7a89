"""The audit actions of product settings (BIDN 3.2.2): notification addresses and webservice
credentials."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import BelongsTo, Group, register

_PRODUCT = {"product": _("product")}

register(
    "products.notification_add",
    _("Meldingsadres toegevoegd"),
    Group.PRODUCTS,
    details={**_PRODUCT, "email": _("adres")},
    personal=("email",),
)
register(
    "products.notification_remove",
    _("Meldingsadres verwijderd"),
    Group.PRODUCTS,
    details={**_PRODUCT, "email": _("adres")},
    personal=("email",),
)
register(
    "products.notification_test",
    _("Testmail verstuurd"),
    Group.PRODUCTS,
    details={**_PRODUCT, "email": _("adres")},
    personal=("email",),
)
register(
    "products.credential_create",
    _("Webservice-koppeling aangemaakt"),
    Group.WEBSERVICE,
    details={
        **_PRODUCT,
        "prefix": _("sleutel begint met"),
        "expires_on": _("geldig tot en met"),
        "networks": _("toegestane netwerken"),
    },
)
register(
    "products.credential_revoke",
    _("Webservice-koppeling ingetrokken"),
    Group.WEBSERVICE,
    details={**_PRODUCT, "prefix": _("sleutel begint met")},
)
register(
    "products.credential_rotate",
    _("Sleutel van webservice-koppeling vernieuwd"),
    Group.WEBSERVICE,
    details={
        **_PRODUCT,
        "prefix": _("nieuwe sleutel begint met"),
        "previous_prefix": _("vorige sleutel begon met"),
        "grace_hours": _("overgangstermijn (uren)"),
    },
)
register(
    "products.credential_rate_limit",
    _("Limiet van webservice-koppeling gewijzigd"),
    Group.WEBSERVICE,
    details={**_PRODUCT, "rate_limit": _("limiet")},
)
register(
    "products.previous_keys_cleared",
    _("Vervangen sleutels na de overgangstermijn vergeten"),
    Group.WEBSERVICE,
    belongs_to=BelongsTo.OPERATOR,
    details={"count": _("aantal")},
)
