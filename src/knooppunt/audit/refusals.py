"""Refused requests in the audit trail (issue 12.8): a 404 for an object the actor may not
reach and the agreements gate's 403 leave a trace, rate-limited per actor or address so that a
scanner cannot flood the trail."""

from django.conf import settings

from knooppunt.access import rules
from knooppunt.access.principals import as_principal
from knooppunt.core import throttle
from knooppunt.core.doors import nothing_changed, service
from knooppunt.core.http import client_ip

from .models import Outcome
from .services import record


@service(rule="audit.refusal", audit=("access.refused",))
def record_refusal(request, *, action: str, asked: str, kind: str) -> bool:
    """Write one refusal, unless this actor (or, anonymous, this address) had more than
    KNOOPPUNT_AUDIT_REFUSALS_PER_MINUTE this minute. Returns whether it was written."""
    rules.require(request.user, "audit.refusal")
    principal = as_principal(request.user)
    who = f"{principal.kind}:{principal.id}" if principal.id else client_ip(request) or "-"
    verdict = throttle.hit(
        f"audit-refusal:{who}", limit=settings.KNOOPPUNT_AUDIT_REFUSALS_PER_MINUTE, window=60
    )
    if not verdict.allowed:
        nothing_changed()
        return False
    match = getattr(request, "resolver_match", None)
    record(
        "access.refused",
        request=request,
        outcome=Outcome.DENIED,
        details={
            "kind": kind,
            "rule": action,
            "asked": asked,
            "url_name": match.view_name if match else "",
            "path": request.path[:200],
        },
    )
    return True
