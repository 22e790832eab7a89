"""TR018 (iWmo/iJw 3.2): an Einddatum is not before the Begindatum (or Ingangsdatum) beside it."""

from __future__ import annotations

import datetime

from ..base import location
from ..registry import message_rule


def _date(element) -> datetime.date | None:
    if element is None:
        return None
    try:
        return datetime.date.fromisoformat((element.text or "").strip())
    except ValueError:
        return None


@message_rule(
    "TR018",
    retourcode="9018",
    text="De Einddatum ligt vóór de Begindatum.",
    hint="Een einddatum moet gelijk zijn aan of later zijn dan de begindatum.",
)
def einddatum_na_begindatum(subject, rule):
    for end in subject.tree.iter("{*}Einddatum"):
        parent = end.getparent()
        begin = parent.find("{*}Begindatum")
        if begin is None:
            begin = parent.find("{*}Ingangsdatum")
        start, stop = _date(begin), _date(end)
        if start is not None and stop is not None and stop < start:
            yield rule.finding(location(end))
