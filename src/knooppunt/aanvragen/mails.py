"""The mail of Wlz-aanvragen: a status change, to the submitting organisation's notification
addresses (aanvragen.meldingen). It names the application's number, kind and new status and
links to it; never the client, nor a comment (which may speak of the client)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from knooppunt.jobs.mail import Message, Skip, mail_kind
from knooppunt.jobs.models import OutgoingMail

from .models import Aanvraag, Status


@mail_kind("aanvragen.status")
def status_changed(mail: OutgoingMail) -> Message:
    aanvraag = (
        Aanvraag.objects.select_related("organisation").filter(pk=mail.params["aanvraag"]).first()
    )
    if aanvraag is None:
        raise Skip("de aanvraag bestaat niet meer")
    context = {
        "nummer": aanvraag.pk,
        "soort": aanvraag.get_soort_display(),
        "status": Status(mail.params["status"]).label,
        "organisatie": aanvraag.organisation,
        "link": settings.KNOOPPUNT_BASE_URL + reverse("aanvragen:detail", args=[aanvraag.pk]),
    }
    return Message(
        subject=render_to_string("aanvragen/email/status_subject.txt", context).strip(),
        body=render_to_string("aanvragen/email/status.txt", context),
    )
