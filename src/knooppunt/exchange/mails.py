"""The mails of berichtenverkeer (knooppunt.jobs.mail): no BSN or other personal data, only
message types, organisations, counts and a link."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from knooppunt.jobs.mail import Message, mail_kind

from .standards.registry import PRODUCTS


@mail_kind("exchange.new_messages")
def new_messages(mail) -> Message:
    params = mail.params
    product = PRODUCTS.get(params["product"], params["product"])
    link = settings.KNOOPPUNT_BASE_URL + reverse("exchange:inbox") + f"?product={params['product']}"
    types = "\n".join(f"  {name}: {count}" for name, count in params["types"].items())
    senders = "\n".join(f"  {name}" for name in params["senders"])
    count = params["count"]
    subject = (
        f"Knooppunt: {count} nieuw {product}-bericht"
        if count == 1
        else f"Knooppunt: {count} nieuwe {product}-berichten"
    )
    body = (
        f"Er {'staat' if count == 1 else 'staan'} {count} nieuwe {product}-"
        f"bericht{'' if count == 1 else 'en'} voor uw organisatie klaar in Knooppunt.\n\n"
        f"Berichttypen:\n{types}\n\nAfzenders:\n{senders}\n\n"
        f"Bekijk en download ze onder 'Ontvangen berichten':\n{link}\n\n"
        "U ontvangt deze melding omdat dit adres als meldingsadres van het product is "
        "ingesteld. Nieuwe berichten binnen "
        f"{settings.KNOOPPUNT_EXCHANGE_NOTIFY_MINUTES} minuten na een melding komen in de "
        "volgende melding.\n"
    )
    return Message(subject=subject, body=body)


@mail_kind("exchange.late_retours")
def late_retours(mail) -> Message:
    params = mail.params
    product = PRODUCTS.get(params["product"], params["product"])
    link = settings.KNOOPPUNT_BASE_URL + reverse("exchange:outbox") + "?laat=1"
    lines = "\n".join(
        f"  {kind}  {ident}  retour uiterlijk {due}" for kind, ident, due in params["lines"]
    )
    more = params["count"] - len(params["lines"])
    if more > 0:
        lines += f"\n  en nog {more}"
    body = (
        f"Op {params['day']} wachten {params['count']} {product}-berichten van uw organisatie "
        "langer dan de termijn op een retourbericht (3 werkdagen; een declaratie 10 werkdagen, "
        "OP090):\n\n"
        f"{lines}\n\nBekijk ze onder 'Verzonden berichten':\n{link}\n"
    )
    return Message(
        subject=f"Knooppunt: {params['count']} late retourberichten ({product})", body=body
    )
