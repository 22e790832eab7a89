"""6. Duplicates (iStandaarden TR056, retourcode 9056): a BerichtIdentificatie is unique per
sender and BerichtCode. In the chain the receiver checks it; Knooppunt checks it up front."""

from __future__ import annotations

from ..base import Context, Finding, Stage, Subject

TEXT = (
    "De BerichtIdentificatie {ident} is al eerder door uw organisatie gebruikt voor een "
    "{type} (TR056). In de keten controleert de ontvanger dit; Knooppunt controleert het "
    "al bij het aanbieden."
)


def finding(subject: Subject) -> Finding:
    assert subject.message_type is not None
    field = "IdentificatieRetour" if subject.message_type.is_retour else "BerichtIdentificatie"
    return Finding(
        "TR056",
        TEXT.format(ident=subject.own_identificatie, type=subject.message_type.name),
        hint=f"Geef elk bericht een eigen {field}.",
        retourcode="9056",
        location="Header",
        stage=Stage.DUPLICATE,
    )


def key(subject: Subject) -> tuple[int, str]:
    assert subject.message_type is not None
    return subject.message_type.bericht_code, subject.own_identificatie


def check(subject: Subject, context: Context) -> list[Finding]:
    from knooppunt.exchange.models import Message

    if not subject.own_identificatie:
        return []  # the XSD reports the missing identification
    code, ident = key(subject)
    duplicate = (
        key(subject) in context.seen
        or Message.objects.filter(
            sender=context.organisation, bericht_code=code, identificatie=ident
        ).exists()
    )
    return [finding(subject)] if duplicate else []
