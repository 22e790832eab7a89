"""The question and the answer of the registertoets (SPEC 7.2), shared by the screen, the bulk
check and the webservice, so all three answer alike.

A question is checked before anything is looked up: a BSN that fails the 11-proef is an error,
never a "Nee" (the GGk's registertoets answered "Nee" to those, which misleads). The answer is
"Ja" with the indications valid on the peildatum, or one neutral "Nee", the same whether the
BSN is unknown, the date of birth does not match, or no indication is valid.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.core import sql

from . import bsn as bsn_module
from . import codes
from .models import Client, Indicatie, Reden, Uitkomst, Zorgprofiel, Zorgzwaartepakket

EARLIEST = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class Vraag:
    bsn: str
    geboortedatum: datetime.date
    reden: str
    peildatum: datetime.date


@dataclass(frozen=True)
class GeldigeIndicatie:
    zorgprofielen: tuple[tuple[str, str], ...]  # (code, omschrijving)
    ingangsdatum: datetime.date
    einddatum: datetime.date | None
    afgiftedatum: datetime.date


@dataclass(frozen=True)
class Antwoord:
    vraag: Vraag
    indicaties: tuple[GeldigeIndicatie, ...] = field(default_factory=tuple)

    @property
    def ja(self) -> bool:
        return bool(self.indicaties)

    @property
    def uitkomst(self) -> str:
        return Uitkomst.JA if self.ja else Uitkomst.NEE


# --- checking the question -------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def bsn_error(value: str) -> str | None:
    """The Dutch message for a BSN that is not one, or None."""
    if not value:
        return _("Vul het BSN in.")
    if len(value) != 9 or not value.isdigit():
        return _("Een BSN bestaat uit 9 cijfers.")
    if not bsn_module.is_valid(value):
        return _("Dit is geen geldig BSN: het voldoet niet aan de 11-proef. Controleer het nummer.")
    return None


def date_error(value: datetime.date | None, label: str, *, now: datetime.date) -> str | None:
    if value is None:
        return _("Vul de %(label)s in.") % {"label": label}
    if value < EARLIEST:
        return _("De %(label)s ligt vóór 1900.") % {"label": label}
    if value > now:
        return _("De %(label)s ligt in de toekomst.") % {"label": label}
    return None


def parse_date(value) -> datetime.date | None:
    """An ISO date (YYYY-MM-DD) or a date; anything else is None."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def check(
    bsn: str,
    geboortedatum: datetime.date | None,
    reden: str,
    peildatum: datetime.date | None = None,
    *,
    now: datetime.date | None = None,
) -> Vraag:
    """The question, checked; a ValidationError per field in Dutch otherwise. Nothing that
    fails here is looked up or logged."""
    now = now or today()
    errors: dict[str, list[str]] = {}
    bsn = bsn_module.normalise(bsn or "")
    if message := bsn_error(bsn):
        errors["bsn"] = [message]
    if message := date_error(geboortedatum, _("geboortedatum"), now=now):
        errors["geboortedatum"] = [message]
    if not reden:
        errors["reden"] = [_("Kies de reden van de raadpleging.")]
    elif reden not in Reden.values:
        errors["reden"] = [_("Kies een van de redenen van de lijst.")]
    if peildatum is not None and (message := date_error(peildatum, _("peildatum"), now=now)):
        errors["peildatum"] = [message]
    if errors:
        raise ValidationError(errors)
    assert geboortedatum is not None
    return Vraag(bsn, geboortedatum, reden, peildatum or now)


# --- answering -------------------------------------------------------------------------------


def answer(vraag: Vraag, *, bsn_hash: str | None = None) -> Antwoord:
    """Look the question up in one indexed statement (the client by its hash, its indications
    and profiles valid that day), written once per process: it runs for every lookup and the
    ORM would spend more compiling it than the database answering (docs/decisions.md)."""
    digest = bsn_hash or bsn_module.keyed_hash(vraag.bsn)
    day = vraag.peildatum
    with connection.cursor() as cursor:
        cursor.execute(_answer_sql(connection.vendor), [day, day, day, day, digest])
        rows = cursor.fetchall()
    if not rows:
        return Antwoord(vraag)
    known, gebruik = _date(rows[0][0]), rows[0][1]
    client = Client(geboortedatum=known, geboortedatum_gebruik=gebruik)
    if not client.birth_date_matches(vraag.geboortedatum):
        return Antwoord(vraag)
    names: dict[str, str] = codes.descriptions()
    grouped: dict[int, list] = {}
    for _birth, _use, code, indicatie_id, start, end, issued in rows:
        if code is None:
            continue  # no valid indication, or none with a valid profile other than 999
        entry = grouped.setdefault(indicatie_id, [[], _date(start), _date(end), _date(issued)])
        entry[0].append((str(code), names.get(str(code), "")))
    return Antwoord(
        vraag,
        tuple(
            GeldigeIndicatie(tuple(p), start, end, issued)
            for p, start, end, issued in grouped.values()
        ),
    )


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


@cache
def _answer_sql(vendor: str) -> str:
    """An indication counts when it is no negative decision, has started and not ended on the
    day, and has a zorgprofiel valid that day other than 999 (partnerverblijf: a partner's stay
    is no indication of the client's own)."""
    c, i, z = sql.table(Client), sql.table(Indicatie), sql.table(Zorgprofiel)
    return (
        "SELECT c.geboortedatum, c.geboortedatum_gebruik, z.zzp_code, i.id, i.ingangsdatum, "  # noqa: S608
        f"i.einddatum, i.afgiftedatum FROM {c} c "
        f"LEFT JOIN {i} i ON i.client_id = c.id AND NOT i.negatief AND i.ingangsdatum <= %s "
        "AND (i.einddatum IS NULL OR i.einddatum >= %s) "
        f"LEFT JOIN {z} z ON z.indicatie_id = i.id AND z.ingangsdatum <= %s "
        f"AND (z.einddatum IS NULL OR z.einddatum >= %s) "
        f"AND z.zzp_code <> '{Zorgzwaartepakket.PARTNERVERBLIJF}' "
        "WHERE c.bsn_hash = %s ORDER BY i.ingangsdatum, i.id, z.zzp_code"
    )
