from django.conf import settings
from django.core.checks import Warning, register


@register()
def client_address_behind_proxy(app_configs, **kwargs):
    """Behind a proxy without KNOOPPUNT_PROXY_COUNT, every request has the proxy's address."""
    if settings.KNOOPPUNT_BEHIND_PROXY and settings.KNOOPPUNT_PROXY_COUNT <= 0:
        return [
            Warning(
                "KNOOPPUNT_BEHIND_PROXY is set but KNOOPPUNT_PROXY_COUNT is 0: every request has "
                "the proxy's address, so the lockout counts all failed logins as one address's "
                "and the audit trail shows the proxy.",
                hint="Let the proxy append the client's address to X-Forwarded-For (nginx: "
                "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for) and set "
                "KNOOPPUNT_PROXY_COUNT to the number of such proxies.",
                id="core.W001",
            )
        ]
    return []
