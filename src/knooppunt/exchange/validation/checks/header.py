"""5. Header checks. A heen-bericht's Afzender is the uploading organisation. A retour copies
Afzender and Ontvanger unchanged from its heen-bericht (iStandaarden IV028): its uploader is the
header's Ontvanger and it is delivered to the Afzender, answering a heen-bericht that went through
Knooppunt. The receiving organisation exists, has the product and its agreements, and is not the
sender."""

from __future__ import annotations

from knooppunt.exchange import routing
from knooppunt.exchange.standards.registry import PRODUCTS

from ..base import Context, Finding, Stage, Subject


def _finding(code: str, text: str, hint: str) -> Finding:
    return Finding(code, text, hint=hint, location="Header", stage=Stage.HEADER)


def check(subject: Subject, context: Context) -> list[Finding]:
    from knooppunt.exchange.models import Message

    message_type = subject.message_type
    assert message_type is not None
    header = subject.header
    own = routing.routing_code(context.organisation)
    product = message_type.product
    findings: list[Finding] = []
    if message_type.is_retour:
        # IV028: the uploader answers what it received, so it is the header's Ontvanger.
        if header.ontvanger != own:
            findings.append(
                _finding(
                    "IV028",
                    f"Dit is een retourbericht; de Ontvanger in de header ({header.ontvanger}) "
                    f"moet uw eigen code ({own}) zijn, overgenomen uit het heen-bericht.",
                    "Neem Afzender en Ontvanger ongewijzigd over uit het heen-bericht.",
                )
            )
        counterpart_code = header.afzender
    else:
        if header.afzender != own:
            findings.append(
                _finding(
                    "KP010",
                    f"De Afzender in de header ({header.afzender}) is niet uw organisatie ({own}).",
                    "Bied alleen berichten van uw eigen organisatie aan.",
                )
            )
        counterpart_code = header.ontvanger
    found = routing.organisation_for_code(counterpart_code)
    role = "Afzender" if message_type.is_retour else "Ontvanger"
    if not found:
        findings.append(
            _finding(
                "KP011",
                f"De {role} {counterpart_code} is bij Knooppunt niet bekend.",
                "Controleer de gemeentecode of AGB-code van de ontvanger.",
            )
        )
        return findings
    if len(found) > 1:
        findings.append(
            _finding(
                "KP011",
                f"De {role} {counterpart_code} hoort bij meer dan één organisatie.",
                "Neem contact op met de servicedesk van Knooppunt.",
            )
        )
        return findings
    receiver = found[0]
    if receiver.pk == context.organisation.pk:
        findings.append(
            _finding(
                "KP014",
                "Afzender en ontvanger zijn dezelfde organisatie.",
                "Een bericht gaat naar een andere organisatie.",
            )
        )
        return findings
    if not routing.has_product(receiver, product):
        findings.append(
            _finding(
                "KP012",
                f"De ontvanger {counterpart_code} ({receiver}) neemt niet deel aan "
                f"{PRODUCTS[product]} bij Knooppunt.",
                "Stuur het bericht via een andere weg, of vraag de ontvanger zich aan te sluiten.",
            )
        )
    elif not receiver.has_all_agreements():
        findings.append(
            _finding(
                "KP013",
                f"De ontvanger {counterpart_code} ({receiver}) kan nog geen berichten ontvangen: "
                "zijn overeenkomsten met Knooppunt zijn niet compleet.",
                "Probeer het later opnieuw, of neem contact op met de ontvanger.",
            )
        )
    subject.sender, subject.receiver = context.organisation, receiver
    if message_type.is_answer and not findings:
        heen_type = message_type.answers()
        assert heen_type is not None
        identificatie, dagtekening = subject.reference
        heen = (
            Message.objects.filter(
                sender=receiver,
                receiver=context.organisation,
                product=product,
                bericht_code=heen_type.bericht_code,
                identificatie=identificatie,
            )
            .order_by("-created_at")
            .first()
        )
        if heen is None or (dagtekening and heen.dagtekening not in (None, dagtekening)):
            field = "BerichtIdentificatie" if message_type.is_retour else "DeclaratieIdentificatie"
            findings.append(
                _finding(
                    "IV028" if message_type.is_retour else "KP015",
                    f"Er is geen {heen_type.name} met {field} {identificatie} "
                    f"van {counterpart_code} aan u via Knooppunt ontvangen.",
                    f"Neem de {field} ongewijzigd over uit het bericht dat u beantwoordt.",
                )
            )
        else:
            subject.heen = heen
    return findings
