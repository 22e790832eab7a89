"""The attachment kinds and the checklist per application kind as they ship (a data migration
creates them; the operator changes them in the console). `ensure_catalogue()` restores them
after a test database flush."""

BIJLAGESOORTEN = [
    # code, naam, volgorde
    ("medische-informatie", "Medische informatie", 10),
    ("wzd-verklaring", "Wzd-verklaring (artikel 21)", 20),
    ("verklaring-partnerverblijf", "Verklaring partnerverblijf", 30),
    ("ondertekening", "Ondertekend aanvraagformulier", 80),
    ("overig", "Overige bijlage", 90),
]

# Per application kind: the attachment kinds it needs (the CIZ: medical information for a
# regular application, plus the Wzd statement for artikel 21).
CHECKLIST = [
    ("regulier", "medische-informatie"),
    ("wzd-artikel-21", "medische-informatie"),
    ("wzd-artikel-21", "wzd-verklaring"),
    ("partnerverblijf", "verklaring-partnerverblijf"),
]


def ensure(BijlageSoort, ChecklistItem) -> None:
    if BijlageSoort.objects.exists():
        return
    kinds = {}
    for code, naam, volgorde in BIJLAGESOORTEN:
        kinds[code] = BijlageSoort.objects.create(code=code, naam=naam, volgorde=volgorde)
    for soort, code in CHECKLIST:
        ChecklistItem.objects.create(soort=soort, bijlagesoort=kinds[code], verplicht=True)


def ensure_catalogue() -> None:
    from .models import BijlageSoort, ChecklistItem

    ensure(BijlageSoort, ChecklistItem)
