"""TR018 (iWmo/iJw 3.2): an Einddatum is not before the Begindatum (or Ingangsdatum) beside it.

The dates have passed the XSD (xs:date), so two plain dates compare as text; anything else
(a date with a time zone) is compared as a date."""

from __future__ import annotations

import datetime

from ..base import location
from ..registry import message_rule


def _date(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def _before(end: str | None, start: str | None) -> bool:
    if not end or not start:
        return False
    if len(end) == 10 and len(start) == 10:
        return end < start
    stop, begin = _date(end), _date(start)
    return stop is not None and begin is not None and stop < begin


@message_rule(
    "TR018",
    # No retourcode of its own in the 3.2 list (LDT_RetourCode in basisschema.xsd): a technical
    # rule without one refuses the message as 0001, "afgekeurd om technische redenen".
    retourcode="0001",
    text="De Einddatum ligt vóór de Begindatum.",
    hint="Een einddatum moet gelijk zijn aan of later zijn dan de begindatum.",
)
def einddatum_na_begindatum(subject, rule):
    message_type = subject.message_type
    names = {message_type.namespace, message_type.basis_namespace}
    ends = [f"{{{ns}}}Einddatum" for ns in names]
    starts = {f"{{{ns}}}{name}" for ns in names for name in ("Begindatum", "Ingangsdatum")}
    for end in subject.tree.iter(*ends):
        start = end.getprevious()
        if start is None or start.tag not in starts:
            start = next((c for c in end.itersiblings(preceding=True) if c.tag in starts), None)
            if start is None:
                continue
        stop, begin = end.text, start.text
        # The common case inline (tens of thousands per declaratie): two plain dates.
        if (
            stop
            and begin
            and (stop < begin if len(stop) == len(begin) == 10 else _before(stop, begin))
        ):
            yield rule.finding(location(end))
