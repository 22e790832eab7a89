"""The eHerkenning brokers and the organisations' branch numbers, kept by the operator."""

from urllib.parse import urlsplit

from knooppunt.access import rules
from knooppunt.audit.models import Outcome
from knooppunt.audit.services import record
from knooppunt.core.doors import nothing_changed, service

from .. import oidc
from ..models import Broker


@service(rule="eherkenning.brokers", audit=("eherkenning.broker_create",))
def create_broker(
    actor,
    *,
    naam: str,
    issuer: str,
    client_id: str,
    client_secret: str,
    active: bool = True,
    claim_names: dict[str, str] | None = None,
    request=None,
) -> Broker:
    """A broker; claim_names: the broker's names of `kvk`, `vestigingsnummer` and `pseudo_id`
    where they differ from those."""
    rules.require(actor, "eherkenning.brokers")
    broker = Broker(
        naam=naam, issuer=issuer, client_id=client_id, client_secret=client_secret, active=active
    )
    for ours, theirs in (claim_names or {}).items():
        if ours not in broker.claim_names:
            raise ValueError(f"no eHerkenning claim {ours!r}")
        setattr(broker, f"{ours}_claim", theirs)
    broker.clean()
    broker.full_clean()
    broker.save()
    record(
        "eherkenning.broker_create",
        actor=actor,
        request=request,
        target=broker,
        details={
            "issuer": broker.issuer,
            "client_id": broker.client_id,
            "active": active,
            "claims": broker.claim_names,
        },
    )
    return broker


@service(
    rule="eherkenning.brokers", audit=("eherkenning.broker_create", "eherkenning.broker_change")
)
def save_broker(actor, broker: Broker, changed: list[str], *, request=None) -> Broker:
    """Store a broker edited in the console (already validated by its form)."""
    rules.require(actor, "eherkenning.brokers")
    creating = broker.pk is None
    if not creating and not changed:
        nothing_changed()
        return broker
    if {"issuer", "client_id"} & set(changed):
        broker.metadata, broker.metadata_fetched_at = {}, None  # fetch the new one's again
    broker.save()
    record(
        "eherkenning.broker_create" if creating else "eherkenning.broker_change",
        actor=actor,
        request=request,
        target=broker,
        # Field names only: the client secret never enters the audit trail.
        details={"fields": sorted(changed)},
    )
    return broker


def refresh_broker(actor, broker: Broker, *, request=None) -> dict:
    """'Verbinding testen' in the console: fetch the broker's discovery document and keys now
    (outside any transaction: the broker may take seconds), then audit how it went."""
    rules.require(actor, "eherkenning.brokers")
    try:
        metadata = oidc.load_metadata(broker, refresh=True)
    except oidc.BrokerUnavailable as exc:
        _record_refresh(actor, broker, str(exc), request=request)
        raise
    _record_refresh(actor, broker, "", request=request)
    return metadata


@service(rule="eherkenning.brokers", audit=("eherkenning.broker_refresh",))
def _record_refresh(actor, broker: Broker, error: str, *, request=None) -> None:
    rules.require(actor, "eherkenning.brokers")
    record(
        "eherkenning.broker_refresh",
        actor=actor,
        request=request,
        target=broker,
        outcome=Outcome.FAILURE if error else Outcome.SUCCESS,
        details={"error": error[:300]} if error else {},
    )


def active_brokers():
    return Broker.objects.filter(active=True).order_by("naam")


def form_action_origins(brokers) -> list[str]:
    """Origins the broker choice form may lead to: its POST is answered with a redirect to the
    broker, and browsers hold that redirect to the page's CSP `form-action`."""
    origins = set()
    for broker in brokers:
        for url in (broker.metadata.get("authorization_endpoint"), broker.issuer):
            if url:
                parts = urlsplit(url)
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


@service(rule="eherkenning.brokers", audit=("organisation.vestiging",))
def save_vestiging(actor, vestiging, *, request=None):
    """A branch number that eHerkenning logins of the organisation may come from."""
    rules.require(actor, "eherkenning.brokers")
    vestiging.full_clean()
    vestiging.save()
    record(
        "organisation.vestiging",
        actor=actor,
        request=request,
        organisation=vestiging.organisation_id,
        target=vestiging,
        details={"vestigingsnummer": vestiging.vestigingsnummer},
    )
    return vestiging


@service(rule="eherkenning.brokers", audit=("organisation.vestiging_delete",))
def remove_vestiging(actor, vestiging, *, request=None) -> None:
    rules.require(actor, "eherkenning.brokers")
    record(
        "organisation.vestiging_delete",
        actor=actor,
        request=request,
        organisation=vestiging.organisation_id,
        target=vestiging,
        details={"vestigingsnummer": vestiging.vestigingsnummer},
    )
    vestiging.delete()
