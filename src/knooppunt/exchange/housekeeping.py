"""The daily jobs of berichtenverkeer (knooppunt.core.housekeeping)."""

from knooppunt.access.principals import HOUSEKEEPING
from knooppunt.core.housekeeping import job

from . import services


@job("exchange.retention", "Berichtenverkeer: inhoud, metadata en losse bestanden opruimen")
def retention(now):
    return services.purge(HOUSEKEEPING, now)


@job("exchange.late_retours", "Berichtenverkeer: overzicht van late retourberichten mailen")
def late_retours(now):
    return services.late_digest(HOUSEKEEPING, now)
