"""The audit actions of the portal's own machinery."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import BelongsTo, Group, register

register(
    "secrets.rotate_keys",
    _("Versleutelde gegevens opnieuw versleuteld met de nieuwe sleutel"),
    Group.CONSOLE,
    belongs_to=BelongsTo.OPERATOR,
    details={"values": _("waarden")},
)
