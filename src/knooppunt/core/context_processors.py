from knooppunt.access import rules


def navigation(request):
    """Which menu items the header shows; the decisions come from the authorisation module."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_usermanagement": rules.can(user, "usermanagement.access"),
        "nav_operator": rules.can(user, "operator.console"),
    }
