"""The audit actions of SCIM provisioning: tokens and the client's own groups. Changes of users
and roles made through SCIM are the user-management and role actions, with the token as the
actor ("via SCIM: <naam>")."""

from django.utils.translation import gettext_lazy as _

from knooppunt.audit.registry import Group, register

_TOKEN = {
    "name": _("naam"),
    "expires_on": _("geldig tot en met"),
    "allowed_networks": _("toegestane netwerken"),
}

register("scim.token_issue", _("SCIM-koppeling aangemaakt"), Group.USERS, details=_TOKEN)
register("scim.token_revoke", _("SCIM-koppeling ingetrokken"), Group.USERS, details=_TOKEN)
_GROUP = {"display_name": _("naam"), "added": _("leden erbij"), "removed": _("leden eraf")}
register("scim.group_create", _("SCIM-groep aangemaakt"), Group.USERS, details=_GROUP)
register("scim.group_change", _("SCIM-groep gewijzigd"), Group.USERS, details=_GROUP)
register("scim.group_delete", _("SCIM-groep verwijderd"), Group.USERS, details=_GROUP)
