"""The audit actions of berichtenverkeer (knooppunt.audit.registry)."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import BelongsTo, Group, register

_MESSAGE = {
    "berichttype": _("berichttype"),
    "identificatie": _("BerichtIdentificatie"),
    "afzender": _("afzender"),
    "ontvanger": _("ontvanger"),
    "kanaal": _("kanaal"),
}

register("exchange.upload", _("Bericht aangeboden"), Group.PRODUCTS, details=_MESSAGE)
register(
    "exchange.refused",
    _("Bestand afgekeurd"),
    Group.PRODUCTS,
    details={"bestand": _("bestand"), "codes": _("codes"), "kanaal": _("kanaal")},
)
register(
    "exchange.download",
    _("Bericht gedownload"),
    Group.PRODUCTS,
    details={**_MESSAGE, "eerste_keer": _("eerste keer opgehaald"), "zip": _("in een ZIP")},
)
register("exchange.acknowledge", _("Ontvangst bevestigd"), Group.PRODUCTS, details=_MESSAGE)
register(
    "exchange.notification",
    _("Melding van nieuwe berichten verstuurd"),
    Group.PRODUCTS,
    details={"aantal": _("aantal berichten"), "product": _("product")},
)
register(
    "exchange.late_digest",
    _("Overzicht van late retourberichten verstuurd"),
    Group.PRODUCTS,
    details={"aantal": _("aantal berichten"), "product": _("product")},
)
register(
    "exchange.purge",
    _("Bewaartermijn berichtenverkeer toegepast"),
    Group.PRODUCTS,
    belongs_to=BelongsTo.OPERATOR,
    details={
        "inhoud": _("inhoud verwijderd"),
        "berichten": _("berichten verwijderd"),
        "afgekeurd": _("afkeuringen verwijderd"),
        "wees": _("losse bestanden verwijderd"),
    },
)
