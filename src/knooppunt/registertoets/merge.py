"""What only the whole file can tell, asked of the staging table, and the change of the register
from it: set-based SQL that runs alike on SQLite and PostgreSQL (INSERT ... ON CONFLICT).

Called inside `services.finish_import`, in its one transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.core import sql

from .importer import STAGING
from .models import Client, Indicatie, Zorgprofiel

ErrorSink = Callable[[int, str], None]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _fetch(statement: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _execute(statement: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


# --- across rows -----------------------------------------------------------------------------

_BESLUIT = ["bsn_hash", "soort", "afgiftedatum", "ingangsdatum", "einddatum", "negatief"]
_CLIENT = ["geboortedatum", "geboortedatum_gebruik"]


def _differing(key: str, columns: list[str]) -> str:
    """The keys whose rows disagree on any of `columns` (NULL counts as a value): two values
    differ when the least and the greatest do, which a hash aggregate answers in one pass
    (COUNT(DISTINCT) would sort every group)."""
    tests = " OR ".join(
        f"MIN({e}) <> MAX({e}) OR (COUNT({e}) > 0 AND COUNT({e}) < COUNT(*))"
        for e in map(_comparable, columns)
    )
    return f"SELECT {key} FROM {_q(STAGING)} GROUP BY {key} HAVING {tests}"  # noqa: S608


def _comparable(column: str) -> str:
    # PostgreSQL has no MIN or MAX of a boolean.
    return "CASE WHEN negatief THEN 1 ELSE 0 END" if column == "negatief" else column


def check_across_rows(on_error: ErrorSink) -> int:
    """Report every row that disagrees with the first row of its besluitnummer or of its BSN,
    and every row that is in the file twice. Returns how many were reported."""
    found = 0
    table = _q(STAGING)
    rows = _fetch(
        f"SELECT besluitnummer, line, {', '.join(_BESLUIT)} FROM {table} "  # noqa: S608
        f"WHERE besluitnummer IN ({_differing('besluitnummer', _BESLUIT)}) "
        "ORDER BY besluitnummer, line"
    )
    first: dict[str, tuple] = {}
    for besluit, line, *values in rows:
        known = first.setdefault(besluit, (line, values))
        if known[0] != line and known[1] != values:
            on_error(
                line,
                _(
                    "de regels van besluitnummer %(besluit)s moeten dezelfde cliënt, soort, "
                    "datums en negatief hebben; deze regel verschilt van regel %(first)s"
                )
                % {"besluit": besluit, "first": known[0]},
            )
            found += 1
    rows = _fetch(
        f"SELECT bsn_hash, line, {', '.join(_CLIENT)} FROM {table} "  # noqa: S608
        f"WHERE bsn_hash IN ({_differing('bsn_hash', _CLIENT)}) ORDER BY bsn_hash, line"
    )
    first = {}
    for digest, line, *values in rows:
        known = first.setdefault(digest, (line, values))
        if known[0] != line and known[1] != values:
            on_error(
                line,
                _(
                    "dit bsn staat ook op regel %(first)s, met een andere geboortedatum of "
                    "geboortedatum_gebruik"
                )
                % {"first": known[0]},
            )
            found += 1
    rows = _fetch(
        f"SELECT s.line, s.besluitnummer, d.first_line FROM {table} s "  # noqa: S608
        f"JOIN (SELECT besluitnummer, zzp_code, zzp_ingangsdatum, MIN(line) AS first_line "
        f"FROM {table} GROUP BY besluitnummer, zzp_code, zzp_ingangsdatum "
        "HAVING COUNT(*) > 1) d ON d.besluitnummer = s.besluitnummer "
        "AND (d.zzp_code = s.zzp_code OR (d.zzp_code IS NULL AND s.zzp_code IS NULL)) "
        "AND (d.zzp_ingangsdatum = s.zzp_ingangsdatum "
        "OR (d.zzp_ingangsdatum IS NULL AND s.zzp_ingangsdatum IS NULL)) "
        "WHERE s.line <> d.first_line ORDER BY s.line"
    )
    for line, besluit, first_line in rows:
        on_error(
            line,
            _(
                "besluitnummer %(besluit)s staat met deze zzp_code en zzp_ingangsdatum al op "
                "regel %(first)s"
            )
            % {"besluit": besluit, "first": first_line},
        )
        found += 1
    return found


# --- the change ------------------------------------------------------------------------------


def apply(mode: str) -> dict[str, int]:
    """Change the register to what the staging table says; with mode "replace" also remove
    every indication the file does not have. Clients left without any indication go too (the
    register knows nothing else of them). Returns the counts."""
    staging = _q(STAGING)
    client, indicatie, profiel = sql.table(Client), sql.table(Indicatie), sql.table(Zorgprofiel)
    counts: dict[str, int] = {}
    ((counts["rows"],),) = _fetch(f"SELECT COUNT(*) FROM {staging}")  # noqa: S608
    counts["clients"] = counts["indications"] = 0  # below, in this order (the summary's)
    ((counts["clients_existing"],),) = _fetch(
        f"SELECT COUNT(*) FROM {client} c WHERE c.bsn_hash IN (SELECT bsn_hash FROM {staging})"  # noqa: S608
    )
    ((counts["indications_existing"],),) = _fetch(
        f"SELECT COUNT(*) FROM {indicatie} i "  # noqa: S608
        f"WHERE i.besluitnummer IN (SELECT besluitnummer FROM {staging})"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Each client and each indication of the file is inserted or updated once: the row counts
    # are the numbers of distinct BSNs and besluitnummers (no COUNT(DISTINCT) over the file).
    counts["clients"] = _execute(
        f"INSERT INTO {client} (bsn_hash, bsn, geboortedatum, geboortedatum_gebruik, updated_at) "  # noqa: S608
        f"SELECT bsn_hash, MAX(bsn), MAX(geboortedatum), MAX(geboortedatum_gebruik), %s "
        f"FROM {staging} WHERE 1 = 1 GROUP BY bsn_hash ORDER BY bsn_hash "
        "ON CONFLICT (bsn_hash) DO UPDATE SET geboortedatum = EXCLUDED.geboortedatum, "
        "geboortedatum_gebruik = EXCLUDED.geboortedatum_gebruik, updated_at = EXCLUDED.updated_at",
        [now],
    )
    counts["indications"] = _execute(
        f"INSERT INTO {indicatie} (client_id, besluitnummer, soort, afgiftedatum, ingangsdatum, "  # noqa: S608
        "einddatum, negatief) "
        "SELECT c.id, s.besluitnummer, MAX(s.soort), MAX(s.afgiftedatum), MAX(s.ingangsdatum), "
        "MAX(s.einddatum), MAX(CASE WHEN s.negatief THEN 1 ELSE 0 END) = 1 "
        f"FROM {staging} s JOIN {client} c ON c.bsn_hash = s.bsn_hash WHERE 1 = 1 "
        "GROUP BY s.besluitnummer, c.id ORDER BY s.besluitnummer "
        "ON CONFLICT (besluitnummer) DO UPDATE SET client_id = EXCLUDED.client_id, "
        "soort = EXCLUDED.soort, afgiftedatum = EXCLUDED.afgiftedatum, "
        "ingangsdatum = EXCLUDED.ingangsdatum, einddatum = EXCLUDED.einddatum, "
        "negatief = EXCLUDED.negatief"
    )
    if counts["indications_existing"]:
        _execute(
            f"DELETE FROM {profiel} WHERE indicatie_id IN (SELECT i.id FROM {indicatie} i "  # noqa: S608
            f"WHERE i.besluitnummer IN (SELECT besluitnummer FROM {staging}))"
        )
    counts["zorgprofielen"] = _execute(
        f"INSERT INTO {profiel} (indicatie_id, zzp_code, ingangsdatum, einddatum) "  # noqa: S608
        "SELECT i.id, s.zzp_code, s.zzp_ingangsdatum, s.zzp_einddatum "
        f"FROM {staging} s JOIN {indicatie} i ON i.besluitnummer = s.besluitnummer "
        "WHERE s.zzp_code IS NOT NULL ORDER BY i.id"
    )
    counts["indications_removed"] = 0
    if mode == "replace":
        gone = (
            f"SELECT i.id FROM {indicatie} i WHERE NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {staging} s WHERE s.besluitnummer = i.besluitnummer)"
        )
        _execute(f"DELETE FROM {profiel} WHERE indicatie_id IN ({gone})")  # noqa: S608
        counts["indications_removed"] = _execute(
            f"DELETE FROM {indicatie} WHERE id IN ({gone})"  # noqa: S608
        )
    counts["clients_removed"] = _execute(
        f"DELETE FROM {client} WHERE NOT EXISTS "  # noqa: S608
        f"(SELECT 1 FROM {indicatie} i WHERE i.client_id = {client}.id)"
    )
    counts["clients_new"] = counts["clients"] - counts["clients_existing"]
    counts["indications_new"] = counts["indications"] - counts["indications_existing"]
    counts["indications_updated"] = counts["indications_existing"]
    return counts
