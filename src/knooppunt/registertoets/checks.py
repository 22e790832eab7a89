"""System checks of the Wlz register."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def bsn_key_of_its_own(app_configs, **kwargs):
    """The keyed hash of every BSN in the register and the lookup log depends on this key;
    derived from SECRET_KEY, a new SECRET_KEY would make every stored BSN unfindable."""
    if settings.KNOOPPUNT_BSN_KEY != settings.SECRET_KEY:
        return []
    return [
        Warning(
            "KNOOPPUNT_BSN_KEY is not set: the BSNs of the Wlz register and its lookup log are "
            "hashed with SECRET_KEY, so changing SECRET_KEY would lose them.",
            hint="Set KNOOPPUNT_BSN_KEY to a long random value of its own before the first "
            "import, and never change it (README, 'Keys').",
            id="registertoets.W001",
        )
    ]
