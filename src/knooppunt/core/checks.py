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


@register(deploy=True)
def field_keys_of_their_own(app_configs, **kwargs):
    """Secrets at rest (core.crypto) encrypted with a key derived from SECRET_KEY are only as
    safe as that one setting, and change when it changes."""
    if settings.KNOOPPUNT_FIELD_KEYS:
        return []
    return [
        Warning(
            "KNOOPPUNT_FIELD_KEYS is not set: the authenticator keys and broker secrets in the "
            "database are encrypted with a key derived from SECRET_KEY.",
            hint="Set KNOOPPUNT_FIELD_KEYS to a key of its own (`knooppunt rotate_field_keys "
            "--new-key` prints one) and run `knooppunt rotate_field_keys` (README, 'Keys').",
            id="core.W002",
        )
    ]
