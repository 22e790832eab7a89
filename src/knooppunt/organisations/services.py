"""Change requests: the administrator asks, the operator handles (SPEC 2, Portero 3.4)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.access import rules
from knooppunt.access.principals import as_principal
from knooppunt.audit.services import record
from knooppunt.core.doors import service

from .models import ChangeRequest, Organisation


@service(rule="organisation.request_change", audit=("organisation.change_request",))
def request_change(actor, organisation: Organisation, text: str, *, request=None) -> ChangeRequest:
    rules.require(actor, "organisation.request_change", organisation)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Beschrijf de gewenste wijziging.")})
    if len(text) > 2000:
        raise ValidationError({"text": _("Gebruik ten hoogste 2000 tekens.")})
    change_request = ChangeRequest.objects.create(
        organisation=organisation,
        text=text,
        requested_by=as_principal(actor).user,
        requested_by_username=as_principal(actor).name,
    )
    record(
        "organisation.change_request",
        actor=actor,
        request=request,
        organisation=organisation,
        target=change_request,
    )
    return change_request


@service(rule="organisation.change", audit=("organisation.change_request_handled",))
def handle_change_request(
    actor, change_request: ChangeRequest, answer: str, *, request=None
) -> ChangeRequest:
    """The operator marks a request handled, with an answer the administrator can read."""
    rules.require(actor, "organisation.change", change_request.organisation)
    change_request.status = ChangeRequest.Status.HANDLED
    change_request.answer = (answer or "").strip()
    change_request.handled_by = as_principal(actor).user
    change_request.handled_at = timezone.now()
    change_request.save()
    record(
        "organisation.change_request_handled",
        actor=actor,
        request=request,
        organisation=change_request.organisation,
        target=change_request,
    )
    return change_request
