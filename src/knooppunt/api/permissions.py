"""The one permission of the API: the view's `rule`, asked of the authorisation module."""

from rest_framework.permissions import BasePermission

from knooppunt.access import rules


class RuleRequired(BasePermission):
    """Deny by default: a view without a `rule` is refused to everyone. Without a key DRF turns
    the refusal into a 401; with a key of the wrong product it is a 403."""

    def has_permission(self, request, view) -> bool:
        rule = getattr(view, "rule", "")
        return bool(rule) and rules.can(request.user, rule)
