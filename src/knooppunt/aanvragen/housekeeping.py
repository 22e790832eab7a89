"""The daily retention purge of Wlz-aanvragen: decided or withdrawn applications older than the
retention period lose their attachments and client data (services.minimise, one per
application, each in its own transaction)."""

from knooppunt.access.principals import HOUSEKEEPING
from knooppunt.core.housekeeping import job


@job("aanvragen.minimise", "Bijlagen en cliëntgegevens van afgehandelde Wlz-aanvragen verwijderen")
def minimise_due(now) -> int:
    from .services import due_for_minimising, minimise

    count = 0
    for aanvraag in due_for_minimising(now).only("pk", "organisation_id").iterator():
        if minimise(HOUSEKEEPING, aanvraag, now):
            count += 1
    return count
