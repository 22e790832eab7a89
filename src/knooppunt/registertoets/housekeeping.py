"""Daily jobs of the Wlz register (see knooppunt.core.housekeeping)."""

from knooppunt.access.principals import HOUSEKEEPING
from knooppunt.core.housekeeping import job

from . import services


@job("registertoets.purge_log", "Raadplegingen van de Wlz-Registertoets na 5 jaar opschonen")
def purge_log(now) -> int:
    return services.purge_log(HOUSEKEEPING, now)


@job(
    "registertoets.purge_results",
    "Gedownloade en verlopen resultaten van de Wlz-Registertoets verwijderen",
)
def purge_results(now) -> int:
    return services.purge_bulk_results(HOUSEKEEPING, now)
