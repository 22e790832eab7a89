"""Werkdagen for the retour deadlines (OP090): Monday to Friday, without the Dutch public holidays
of the `holidays` package."""

from __future__ import annotations

import datetime
from functools import cache

import holidays


@cache
def _holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("NL", years=year))


def is_werkdag(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_werkdagen(start: datetime.date, count: int) -> datetime.date:
    """The day `count` werkdagen after `start` (the day of sending does not count)."""
    day = start
    left = count
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_werkdag(day):
            left -= 1
    return day
