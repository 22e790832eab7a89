"""Daily jobs of product settings (core.housekeeping)."""

from knooppunt.access.principals import HOUSEKEEPING
from knooppunt.core.housekeeping import job

from . import services


@job(
    "products.forget_previous_keys", "Vervangen webservicesleutels na de overgangstermijn vergeten"
)
def forget_previous_keys(now) -> int:
    """Previous webservice keys whose grace period after a rotation has ended: forget their hash."""
    return services.clear_previous_keys(HOUSEKEEPING, now=now)
