"""The iWlz code lists shipped as data (data/README.md)."""

from __future__ import annotations

import csv
import datetime
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def cod163() -> list[dict]:
    with (DATA / "cod163.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(Zorgzwaartepakket=None) -> int:
    """Create or update the ZZP codes from data/cod163.csv; returns how many there are."""
    if Zorgzwaartepakket is None:
        from .models import Zorgzwaartepakket
    rows = cod163()
    for row in rows:
        Zorgzwaartepakket.objects.update_or_create(
            code=row["code"],
            defaults={
                "omschrijving": row["omschrijving"],
                "ingangsdatum": _date(row["ingangsdatum"]),
                "expiratiedatum": _date(row["expiratiedatum"]),
            },
        )
    return len(rows)


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@cache
def zzp_codes() -> frozenset[str]:
    """The codes of COD163, from the shipped file (the database holds the same list)."""
    return frozenset(row["code"] for row in cod163())


@cache
def descriptions() -> dict[str, str]:
    return {row["code"]: row["omschrijving"] for row in cod163()}
