"""The audit actions of role grants."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import Group, register

_ROLE = {"product": _("product"), "role": _("rol")}

register("role.grant", _("Rol toegekend"), Group.ROLES, details=_ROLE)
register("role.revoke", _("Rol ingetrokken"), Group.ROLES, details=_ROLE)
register("role.restore", _("Rollen hersteld"), Group.ROLES, details={"roles": _("rollen")})
