"""The audit actions about the audit trail itself."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import Group, register

register("audit.export", _("Logboek geëxporteerd"), Group.AUDIT)
