"""Werkdagen as the Algemene termijnenwet counts them: Monday to Friday, without the "algemeen
erkende feestdagen" of its article 3. One calendar for every deadline in werkdagen: the retour
deadlines of Berichtenverkeer (OP090: 3 werkdagen, a 323 declaratie 10) and the CIZ's receipt
confirmation of a Wlz-aanvraag (3 werkdagen)."""

from __future__ import annotations

import datetime
from functools import cache

from dateutil.easter import easter


@cache
def feestdagen(year: int) -> frozenset[datetime.date]:
    """The feestdagen of the Algemene termijnenwet (art. 3): Nieuwjaarsdag, both Paas- and
    Pinksterdagen, Hemelvaartsdag, both Kerstdagen, Koningsdag and 5 mei. Not Goede Vrijdag,
    and Bevrijdingsdag every year (which is where the calendars of public holidays, such as the
    `holidays` package's, differ from the law that counts deadlines)."""
    pasen = easter(year)
    koningsdag = datetime.date(year, 4, 27)
    if koningsdag.weekday() == 6:  # on a Sunday it moves to the Saturday before
        koningsdag -= datetime.timedelta(days=1)
    return frozenset(
        [
            datetime.date(year, 1, 1),
            pasen,
            pasen + datetime.timedelta(days=1),
            koningsdag,
            datetime.date(year, 5, 5),
            pasen + datetime.timedelta(days=39),
            pasen + datetime.timedelta(days=49),
            pasen + datetime.timedelta(days=50),
            datetime.date(year, 12, 25),
            datetime.date(year, 12, 26),
        ]
    )


def is_werkdag(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in feestdagen(day.year)


def add_werkdagen(start: datetime.date, count: int) -> datetime.date:
    """The `count`-th werkdag after `start` (the day itself does not count)."""
    day = start
    left = count
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_werkdag(day):
            left -= 1
    return day
