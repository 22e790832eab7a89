"""The e-mails of product settings, delivered by a job (jobs.mail)."""

from django.conf import settings
from django.utils.translation import gettext as _

from knooppunt.jobs.mail import Message, Skip, mail_kind
from knooppunt.jobs.models import OutgoingMail

from .models import NotificationAddress


@mail_kind("products.test_mail")
def test_mail(mail: OutgoingMail) -> Message:
    """ "Testmail versturen" on the tab: proof that notifications for this product arrive."""
    address = (
        NotificationAddress.objects.select_related("product", "organisation")
        .filter(pk=mail.params["address"])
        .first()
    )
    if address is None or address.email.lower() != mail.to.lower():
        raise Skip("het meldingsadres is verwijderd")
    product, organisation = address.product.naam, address.organisation
    body = _(
        "Dit is een testbericht van Knooppunt.\n\n"
        "Op dit adres ontvangt %(organisation)s meldingen over het product %(product)s. "
        "%(who)s heeft dit testbericht aangevraagd op het tabblad Productinstellingen.\n\n"
        "U hoeft niets te doen.\n\n"
        "Knooppunt: %(url)s\n"
    ) % {
        "organisation": organisation,
        "product": product,
        "who": mail.params.get("requested_by") or _("Een productbeheerder"),
        "url": settings.KNOOPPUNT_BASE_URL + "/",
    }
    return Message(
        subject=_("Testbericht Knooppunt: meldingen %(product)s") % {"product": product}, body=body
    )
