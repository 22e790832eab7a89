"""A synthetic Wlz register in the import's CSV format, for the demo, the tests and the bench.

Every BSN passes the 11-proef and no two are alike; nobody real is meant. The spreads follow
the Wlz as published by the CIZ and CBS in broad strokes: mostly elderly clients in the
"verpleging en verzorging" sector, some younger ones with a "gehandicaptenzorg" or GGZ profile,
about 1.3 indications per client (an older one ended where the current one starts), a few
negative decisions, a few profile changes within one indication, dates of birth of which
sometimes only month and year, or only the year, are known, and some partnerverblijf (999).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator

from .importer import COLUMNS

# (sector share, ZZP codes of that sector)
SECTORS = [
    (0.66, ["751", "752", "753", "754", "755", "756", "757", "758", "759"]),
    (0.15, ["802", "804", "806", "808", "810", "812", "814"]),
    (0.08, ["760", "762", "764", "766", "768", "770", "880", "882", "884"]),
    (0.05, ["820", "822", "824", "826", "828", "830"]),
    (0.03, ["780", "781", "782", "783", "784"]),
    (0.02, ["840", "842", "844", "850", "852"]),
    (0.01, ["999"]),  # partnerverblijf: never a "Ja" on its own
]
# The demo's two BSNs (README): never handed out by the generator.
RESERVED = frozenset({"111222333", "123456782"})
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)
_STRIDE = 7_919_731  # coprime with 90,000,000: the prefixes below never repeat


def bsns(seed: int) -> Iterator[str]:
    """Distinct valid BSNs in a seeded order."""
    start = random.Random(seed).randrange(90_000_000)
    for i in range(90_000_000):
        prefix = 10_000_000 + (start + i * _STRIDE) % 90_000_000
        digits = str(prefix)
        check = sum(w * (ord(c) - 48) for w, c in zip(_WEIGHTS, digits, strict=True)) % 11
        if check <= 9:
            value = digits + str(check)
            if value not in RESERVED:
                yield value


def _birth(rng: random.Random, today: datetime.date) -> tuple[datetime.date, str]:
    roll = rng.random()
    if roll < 0.65:
        age = rng.uniform(75, 101)
    elif roll < 0.85:
        age = rng.uniform(50, 75)
    else:
        age = rng.uniform(1, 50)
    day = today - datetime.timedelta(days=int(age * 365.25))
    roll = rng.random()
    if roll < 0.97:
        return day, ""
    if roll < 0.99:
        return day.replace(day=1), "1"
    if roll < 0.997:
        return day.replace(month=1, day=1), "2"
    return datetime.date(1900, 1, 1), "3"


def _profile(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for share, zzp_codes in SECTORS:
        total += share
        if roll < total:
            return rng.choice(zzp_codes)
    return SECTORS[0][1][0]


def rows(clients: int, *, seed: int = 2026, today: datetime.date | None = None) -> Iterator[list]:
    """The CSV rows (without the header) of a register of `clients` clients."""
    today = today or datetime.date.today()
    rng = random.Random(seed)
    first_day = datetime.date(2015, 1, 1)
    span = (today - first_day).days
    besluit = 0
    numbers = bsns(seed)
    for _n in range(clients):
        bsn = next(numbers)
        birth, gebruik = _birth(rng, today)
        count = rng.choices((1, 2, 3), weights=(75, 20, 5))[0]
        # The indications follow each other: each older one ends the day before the next.
        starts = sorted(
            first_day + datetime.timedelta(days=rng.randrange(span)) for _ in range(count)
        )
        for k, start in enumerate(starts):
            besluit += 1
            issued = start - datetime.timedelta(days=rng.randrange(0, 30))
            if issued < first_day:
                issued = first_day
            last = k == len(starts) - 1
            if not last:
                end = starts[k + 1] - datetime.timedelta(days=1)
                end = max(end, start)
            elif rng.random() < 0.1:  # ended: the client died or moved abroad
                end = start + datetime.timedelta(days=rng.randrange(30, 2000))
                end = min(end, today)
            else:
                end = None
            number = f"{issued.year}{besluit:09d}"
            common = [
                bsn,
                birth.isoformat(),
                gebruik,
                number,
                _soort(rng),
                issued.isoformat(),
                start.isoformat(),
                end.isoformat() if end else "",
            ]
            if rng.random() < 0.05:
                yield [*common, "1", "", "", ""]
                continue
            code = _profile(rng)
            if rng.random() < 0.1 and (end is None or (end - start).days > 60):
                # A heavier profile from a later date within the same indication.
                switch = start + datetime.timedelta(days=rng.randrange(30, 60))
                yield [
                    *common,
                    "0",
                    code,
                    start.isoformat(),
                    (switch - datetime.timedelta(days=1)).isoformat(),
                ]
                yield [
                    *common,
                    "0",
                    _profile(rng),
                    switch.isoformat(),
                    end.isoformat() if end else "",
                ]
            else:
                yield [*common, "0", code, start.isoformat(), end.isoformat() if end else ""]


def _soort(rng: random.Random) -> str:
    return rng.choices(("1", "3", "2", "4"), weights=(95, 3, 1, 1))[0]


# --- the demo --------------------------------------------------------------------------------

DEMO_WITH = {"bsn": "111222333", "geboortedatum": "1938-04-12", "zzp": "754"}
DEMO_WITHOUT = {"bsn": "123456782", "geboortedatum": "1950-07-01"}


def demo_rows() -> list[list]:
    """The two clients the README names: one with a valid indication (5VV), one with only a
    negative decision and an expired indication, so the answer is "Nee"."""
    with_ind = DEMO_WITH
    without = DEMO_WITHOUT
    return [
        [
            with_ind["bsn"],
            with_ind["geboortedatum"],
            "",
            "DEMO-2024-1",
            "1",
            "2024-02-15",
            "2024-03-01",
            "",
            "0",
            with_ind["zzp"],
            "2024-03-01",
            "",
        ],
        [
            without["bsn"],
            without["geboortedatum"],
            "",
            "DEMO-2019-2",
            "1",
            "2019-05-01",
            "2019-06-01",
            "2021-12-31",
            "0",
            "753",
            "2019-06-01",
            "2021-12-31",
        ],
        [
            without["bsn"],
            without["geboortedatum"],
            "",
            "DEMO-2025-3",
            "1",
            "2025-01-10",
            "2025-01-10",
            "",
            "1",
            "",
            "",
            "",
        ],
    ]


HEADER = list(COLUMNS)
