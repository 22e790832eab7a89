"""Demo applications for `knooppunt seed_demo`: each care provider with Wlz-aanvragen gets a few
applications in different statuses, made through the same services as the screens and the
console (the organisation's Gebruiker submits, the demo operator handles). Idempotent: an
organisation that has applications gets none added."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone

from knooppunt.access.principals import DEMO

from . import services
from .models import Aanvraag, Ondertekening
from .services import Upload


def _bsn(seed: int) -> str:
    """A BSN that passes the 11-proef, made from a number (demo data, nobody's)."""
    while True:
        digits = [int(c) for c in f"{seed:08d}"[:8]]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10:
            return "".join(map(str, digits)) + str(last)
        seed += 1


class _File(io.BytesIO):
    def __init__(self, name: str, content: bytes):
        super().__init__(content)
        self.name = name
        self.size = len(content)


def _pdf(title: str) -> bytes:
    import pikepdf

    document = pikepdf.new()
    document.add_blank_page()
    text = f"BT /F1 14 Tf 72 720 Td (Demo: {title}) Tj ET".encode("latin-1", "replace")
    document.pages[0].Contents = document.make_stream(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(code: str, name: str) -> Upload:
    return Upload(code, _File(name, _pdf(name)))


_NEEDED = {
    "regulier": ["medische-informatie"],
    "wzd-artikel-21": ["medische-informatie", "wzd-verklaring"],
    "partnerverblijf": ["verklaring-partnerverblijf"],
}


def _submit(user, soort: str, number: int, *, signed: bool = True, **fields) -> Aanvraag:
    data = {
        "bsn": _bsn(20260000 + number * 7919),
        "voorletters": fields.pop("voorletters", "J."),
        "tussenvoegsel": fields.pop("tussenvoegsel", ""),
        "achternaam": fields.pop("achternaam", "Demo"),
        "geboortedatum": fields.pop("geboortedatum", datetime.date(1938, 5, 17)),
        "gewenste_datum": timezone.localdate() + datetime.timedelta(days=60),
        "toelichting": fields.pop("toelichting", "Demo-aanvraag."),
        "ondertekenaar": "client",
        "ondertekening": Ondertekening.ONDERTEKEND if signed else Ondertekening.WACHT,
        "aanmelder_functie": "Zorgbemiddelaar",
        "aanmelder_telefoon": "030 123 45 67",
        **fields,
    }
    uploads = [_upload(code, f"{code}.pdf") for code in _NEEDED[soort]]
    if signed:
        uploads.append(_upload("ondertekening", "aanvraagformulier-getekend.pdf"))
    draft = services.create_draft(user, soort, data, uploads)
    return services.submit(user, draft)


def seed_for(user) -> list[Aanvraag]:
    """A few applications of `user`'s organisation in different statuses (Partnerverblijf only
    where the profile allows it)."""
    organisation = user.organisation
    if Aanvraag.objects.filter(organisation=organisation).exists():
        return []
    volledig = organisation.profile == "volledig"
    base = organisation.pk * 10
    made = []
    made.append(
        services.create_draft(
            user,
            "regulier",
            {"achternaam": "Concept", "voorletters": "A.", "aanmelder_functie": "Zorgbemiddelaar"},
        )
    )
    if volledig:
        made.append(_submit(user, "partnerverblijf", base + 1, achternaam="Jansen"))
    suspended = services.confirm_receipt(
        DEMO, _submit(user, "regulier", base + 2, signed=False, achternaam="de Wit")
    )
    made.append(
        services.suspend(
            DEMO, suspended, "De handtekening van de aanvrager ontbreekt.", ["handtekening"]
        )
    )
    assessing = _submit(
        user, "wzd-artikel-21", base + 3, achternaam="Bos", spoed=True, spoed_reden="Crisis"
    )
    assessing = services.start_assessment(DEMO, services.confirm_receipt(DEMO, assessing))
    made.append(assessing)
    decided = _submit(user, "regulier", base + 4, achternaam="Smit")
    decided = services.start_assessment(DEMO, services.confirm_receipt(DEMO, decided))
    made.append(
        services.decide(
            DEMO,
            decided,
            "toegekend" if volledig else "afgewezen",
            timezone.localdate(),
            "Demo-besluit.",
        )
    )
    if not volledig:
        made.append(
            services.withdraw(
                user, _submit(user, "regulier", base + 5, achternaam="Mulder"), "Cliënt verhuisd"
            )
        )
    return made
