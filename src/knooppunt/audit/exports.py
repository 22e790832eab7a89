"""Exports of the audit trail are themselves audited."""

from knooppunt.access import rules
from knooppunt.access.principals import as_principal
from knooppunt.core.doors import service

from .services import record


@service(rule=("audit.view_organisation", "audit.view_all"), audit=("audit.export",))
def record_audit_export(actor, filters: dict, *, request=None) -> None:
    principal = as_principal(actor)
    if principal.is_operator:
        rules.require(actor, "audit.view_all")
    else:
        rules.require(actor, "audit.view_organisation", principal.subject.organisation)
    record("audit.export", actor=actor, request=request, details=filters)
