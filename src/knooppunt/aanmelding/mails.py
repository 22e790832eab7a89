"""The e-mail of "Aanmelden gebruikersbeheerder": the rejection with the operator's reason.
(An accepted request is answered by the invitation of the appointed administrator.)"""

from django.conf import settings
from django.template.loader import render_to_string

from knooppunt.jobs.mail import Message, Skip, mail_kind
from knooppunt.jobs.models import OutgoingMail

from .models import Aanmelding, Status


@mail_kind("aanmelding.rejected")
def rejected(mail: OutgoingMail) -> Message:
    aanmelding = Aanmelding.objects.filter(pk=mail.params["aanmelding"]).first()
    if aanmelding is None or aanmelding.status != Status.REJECTED:
        raise Skip("de aanmelding is niet (meer) afgewezen")
    context = {
        "aanmelding": aanmelding,
        "portal_url": settings.KNOOPPUNT_BASE_URL + "/",
        "servicedesk_email": settings.KNOOPPUNT_SERVICEDESK_EMAIL,
        "servicedesk_phone": settings.KNOOPPUNT_SERVICEDESK_PHONE,
    }
    return Message(
        subject=render_to_string("aanmelding/email/rejected_subject.txt", context).strip(),
        body=render_to_string("aanmelding/email/rejected.txt", context),
    )
