"""Reading the register's CSV file (docs/wlz-register-import.md) into checked staging rows.

The file is streamed, line by line, never loaded whole: each row is checked on its own (line
numbers as a text editor counts them) and the good ones are written to the staging table in
batches (also when others failed, so that the checks across rows list every bad row in one
round). What only the whole file can tell (the rows of one besluitnummer agree on
the client and the dates; the rows of one BSN on the date of birth; no row twice) is asked of
the staging table afterwards, and the register is changed from it in one transaction
(`services.finish_import`): all or nothing.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.core import doors

from . import bsn as bsn_module
from . import codes
from .models import SoortIndicatie

COLUMNS = (
    "bsn",
    "geboortedatum",
    "geboortedatum_gebruik",
    "besluitnummer",
    "soort_indicatie",
    "afgiftedatum",
    "ingangsdatum",
    "einddatum",
    "negatief",
    "zzp_code",
    "zzp_ingangsdatum",
    "zzp_einddatum",
)
BATCH = 5000
EARLIEST = datetime.date(1900, 1, 1)
_BOM = b"\xef\xbb\xbf"
_SOORTEN = frozenset(str(v) for v in SoortIndicatie.values)
_BESLUIT_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in Dutch."""


@dataclass
class ReadResult:
    rows: int = 0
    errors: int = 0
    listed: list[tuple[int, str]] = field(default_factory=list)


ErrorSink = Callable[[int, str], None]
ProgressSink = Callable[[int, int], None]  # (bytes read, rows read)


# --- the file --------------------------------------------------------------------------------


class _Lines:
    """The file's lines decoded as UTF-8 (an optional BOM first), counting bytes for the
    progress bar. A line that is not UTF-8 is reported and read as an empty line."""

    def __init__(self, stream: IO[bytes], on_error: ErrorSink):
        self.stream = stream
        self.on_error = on_error
        self.bytes_read = 0
        self.number = 0

    def first(self) -> str:
        raw = self.stream.readline()
        self.bytes_read += len(raw)
        self.number = 1
        if not raw.strip():
            raise ImportFileError(
                _("Het bestand is leeg: de eerste regel moet de kolomnamen bevatten.")
            )
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
            raise ImportFileError(
                _("Het bestand is als UTF-16 opgeslagen. Sla het op als UTF-8 (CSV UTF-8).")
            )
        raw = raw.removeprefix(_BOM)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ImportFileError(
                _("De eerste regel is geen UTF-8. Sla het bestand op als UTF-8 (CSV UTF-8).")
            ) from None

    def __iter__(self) -> Iterator[str]:
        for raw in self.stream:
            self.bytes_read += len(raw)
            self.number += 1
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                self.on_error(
                    self.number,
                    _("de tekens zijn geen UTF-8; sla het bestand op als UTF-8 (CSV UTF-8)"),
                )
                yield "\n"


def read_header(line: str) -> list[str]:
    names = [name.strip().lower() for name in next(csv.reader([line]))]
    if len(names) == 1 and ";" in line:
        raise ImportFileError(
            _("De kolommen zijn met puntkomma's gescheiden; het formaat is kommagescheiden.")
        )
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise ImportFileError(
            _("Onbekende kolom(men) in de eerste regel: %(names)s. Toegestaan: %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ",".join(COLUMNS)}
        )
    doubles = sorted({n for n in names if names.count(n) > 1})
    if doubles:
        raise ImportFileError(
            _("De kolom(men) %(names)s staan meer dan eens in de eerste regel.")
            % {"names": ", ".join(doubles)}
        )
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise ImportFileError(
            _("De kolom(men) %(names)s ontbreken in de eerste regel.")
            % {"names": ", ".join(missing)}
        )
    return names


# --- one row ---------------------------------------------------------------------------------


def _date(value: str, label: str, problems: list[str]) -> datetime.date | None:
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        problems.append(
            _("%(label)s '%(value)s' is geen datum JJJJ-MM-DD") % {"label": label, "value": value}
        )
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        problems.append(_("%(label)s '%(value)s' bestaat niet") % {"label": label, "value": value})
        return None
    if day < EARLIEST:
        problems.append(_("%(label)s ligt vóór 1900") % {"label": label})
        return None
    return day


class RowChecker:
    """Checks one row's values (in the order of COLUMNS) and turns them into a staging row of
    text: the checked values themselves (canonical: digits, dates as JJJJ-MM-DD), `null` for an
    empty one, so that PostgreSQL's COPY takes the row as it is and SQLite stores the same."""

    def __init__(self, today: datetime.date, *, null: str | None = None):
        self.today = today
        self.null = null
        self.zzp = codes.zzp_codes()
        self.previous_bsn = ""
        # A register's dates repeat: each distinct text is parsed once per import.
        self.dates: dict[str, tuple[datetime.date, str]] = {}

    def _date(self, value: str, label: str, problems: list[str]) -> datetime.date | None:
        known = self.dates.get(value)
        if known is not None:
            return known[0]
        day = _date(value, label, problems)
        if day is not None and len(self.dates) < 200_000:
            self.dates[value] = (day, day.isoformat())
        return day

    def _text(self, value: str) -> str | None:
        """The canonical text of a date that `_date` accepted, or `null` for none."""
        if not value:
            return self.null
        known = self.dates.get(value)
        return known[1] if known is not None else _date(value, "", []).isoformat()  # type: ignore[union-attr]

    def check(self, v: list[str]) -> tuple[list[str], tuple | None]:
        (
            bsn,
            birth_raw,
            gebruik_raw,
            besluit,
            soort,
            afgifte_raw,
            start_raw,
            end_raw,
            negatief_raw,
            zzp,
            zzp_start_raw,
            zzp_end_raw,
        ) = v
        problems: list[str] = []
        if len(bsn) != 9 or not bsn.isdigit():
            problems.append(_("bsn '%(value)s' is geen 9 cijfers") % {"value": bsn})
        elif not bsn_module.is_valid(bsn):
            problems.append(_("bsn %(value)s voldoet niet aan de 11-proef") % {"value": bsn})

        gebruik: int | None = None
        if gebruik_raw:
            if gebruik_raw in ("1", "2", "3"):
                gebruik = int(gebruik_raw)
            else:
                problems.append(_("geboortedatum_gebruik moet leeg, 1, 2 of 3 zijn"))
        birth: datetime.date | None = None
        if birth_raw:
            birth = self._date(birth_raw, "geboortedatum", problems)
            if birth is not None:
                if birth > self.today:
                    problems.append(_("geboortedatum ligt in de toekomst"))
                elif gebruik == 1 and birth.day != 1:
                    problems.append(_("bij geboortedatum_gebruik 1 is de dag onbekend: schrijf 01"))
                elif gebruik in (2, 3) and (birth.month, birth.day) != (1, 1):
                    problems.append(
                        _(
                            "bij geboortedatum_gebruik %(n)s zijn dag en maand onbekend: "
                            "schrijf 01-01"
                        )
                        % {"n": gebruik}
                    )
        elif gebruik != 3:
            problems.append(
                _("geboortedatum ontbreekt (alleen bij geboortedatum_gebruik 3 mag die leeg zijn)")
            )

        if not besluit or len(besluit) > 20 or not _BESLUIT_CHARS.issuperset(besluit):
            problems.append(_("besluitnummer moet 1 tot 20 letters of cijfers zijn"))
        if soort not in _SOORTEN:
            problems.append(
                _("soort_indicatie '%(value)s' staat niet in iWlz COD169 (1-4)") % {"value": soort}
            )
        afgifte = self._date(afgifte_raw, "afgiftedatum", problems)
        if afgifte is not None and afgifte > self.today:
            problems.append(_("afgiftedatum ligt in de toekomst"))
        start = self._date(start_raw, "ingangsdatum", problems)
        end = self._date(end_raw, "einddatum", problems) if end_raw else None
        if start is not None and end is not None and end < start:
            problems.append(_("einddatum ligt vóór de ingangsdatum"))

        if negatief_raw not in ("0", "1"):
            problems.append(_("negatief moet 0 of 1 zijn"))
        negatief = negatief_raw == "1"
        if negatief:
            if zzp or zzp_start_raw or zzp_end_raw:
                problems.append(
                    _("bij een negatief besluit (negatief 1) blijven de zzp-kolommen leeg")
                )
        else:
            if not zzp:
                problems.append(_("zzp_code ontbreekt"))
            elif zzp not in self.zzp:
                problems.append(
                    _("zzp_code '%(value)s' staat niet in iWlz COD163") % {"value": zzp}
                )
            zzp_start = None
            if not zzp_start_raw:
                problems.append(_("zzp_ingangsdatum ontbreekt"))
            else:
                zzp_start = self._date(zzp_start_raw, "zzp_ingangsdatum", problems)
            if zzp_end_raw:
                zzp_end = self._date(zzp_end_raw, "zzp_einddatum", problems)
                if zzp_start is not None and zzp_end is not None and zzp_end < zzp_start:
                    problems.append(_("zzp_einddatum ligt vóór de zzp_ingangsdatum"))
        if problems:
            return problems, None
        token = ""
        if bsn != self.previous_bsn:  # a client's rows usually come together: encrypt once
            token = bsn_module.encrypt(bsn)
            self.previous_bsn = bsn
        null, text = self.null, self._text
        return [], (
            bsn_module.keyed_hash(bsn),
            token,
            text(birth_raw),
            gebruik_raw or null,
            besluit,
            soort,
            text(afgifte_raw),
            text(start_raw),
            text(end_raw),
            negatief_raw,
            zzp or null,
            text(zzp_start_raw),
            text(zzp_end_raw),
        )


# --- reading the whole file ------------------------------------------------------------------

STAGING_COLUMNS = [
    ("line", "integer"),
    ("bsn_hash", "varchar(64)"),
    ("bsn", "text"),
    ("geboortedatum", "date"),
    ("geboortedatum_gebruik", "smallint"),
    ("besluitnummer", "varchar(20)"),
    ("soort", "smallint"),
    ("afgiftedatum", "date"),
    ("ingangsdatum", "date"),
    ("einddatum", "date"),
    ("negatief", "boolean"),
    ("zzp_code", "varchar(3)"),
    ("zzp_ingangsdatum", "date"),
    ("zzp_einddatum", "date"),
]
STAGING = "registertoets_staging"
WORK_MEM = "256MB"


class Staging:
    """A temporary table of the checked rows, on this process's own database connection (the
    command's or the job's): it lives as long as the import, never reaches another session,
    and on PostgreSQL it is not written to the WAL. Its rows are no part of the register
    (bookkeeping, core.doors); each batch commits on its own, so that a long file holds no
    transaction open."""

    table = STAGING

    def __init__(self):
        self.quoted = connection.ops.quote_name(STAGING)
        self.names = ", ".join(name for name, _type in STAGING_COLUMNS)
        self.postgresql = connection.vendor == "postgresql"
        # The text COPY reads for an empty value; SQLite gets None.
        self.null: str | None = "\\N" if self.postgresql else None

    def __enter__(self) -> Staging:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.quoted}")
            columns = ", ".join(f"{name} {kind}" for name, kind in STAGING_COLUMNS)
            cursor.execute(f"CREATE TEMPORARY TABLE {self.quoted} ({columns})")
            if self.postgresql:
                # Memory for this session's sorts and hashes over the whole file (the checks
                # across rows, the merge), which the default 4 MB would spill to disk.
                cursor.execute(f"SET work_mem = '{WORK_MEM}'")
        return self

    def __exit__(self, *exc) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.quoted}")
            if self.postgresql:
                cursor.execute("RESET work_mem")

    def write(self, rows: list[tuple]) -> None:
        """Rows of text from RowChecker, the line number first."""
        with doors.bookkeeping(), transaction.atomic():
            if self.postgresql:
                # One COPY of text per batch: the checked values hold no tab, backslash or
                # newline (digits, dates, letters, hex, url-safe base64).
                text = "".join("\t".join(row) + "\n" for row in rows)
                with connection.cursor() as cursor:
                    raw = cursor.cursor
                    with raw.copy(f"COPY {self.quoted} ({self.names}) FROM STDIN") as copy:
                        copy.write(text)
            else:
                marks = ", ".join(["%s"] * len(STAGING_COLUMNS))
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {self.quoted} ({self.names}) VALUES ({marks})",  # noqa: S608
                        rows,
                    )

    def index(self) -> None:
        """After loading: statistics for the planner (autovacuum never analyses a temporary
        table) and, on SQLite, indexes for the checks and the merge. PostgreSQL answers those
        with hash joins and aggregates over the whole table, which an index would not help."""
        with connection.cursor() as cursor:
            if not self.postgresql:
                cursor.execute(f"CREATE INDEX {STAGING}_besluit ON {self.quoted} (besluitnummer)")
                cursor.execute(f"CREATE INDEX {STAGING}_bsn ON {self.quoted} (bsn_hash)")
            cursor.execute(f"ANALYZE {self.quoted}")


def read(
    stream: IO[bytes],
    staging: Staging,
    *,
    on_error: ErrorSink,
    on_progress: ProgressSink | None = None,
    today: datetime.date | None = None,
) -> ReadResult:
    """Check every row of the file and stage the good ones. Raises ImportFileError when the
    file cannot be read at all; every bad row goes to `on_error(line, message)`."""
    result = ReadResult()

    def error(line: int, message: str) -> None:
        result.errors += 1
        on_error(line, message)

    lines = _Lines(stream, error)
    names = read_header(lines.first())
    width = len(names)
    order = [names.index(column) for column in COLUMNS]
    checker = RowChecker(today or timezone.localdate(), null=staging.null)
    as_text = staging.postgresql
    batch: list[tuple] = []
    reader = csv.reader(lines)
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:
            error(lines.number, _("geen geldige CSV-regel"))
            continue
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        result.rows += 1
        line = lines.number
        if len(values) != width:
            error(
                line,
                _("%(found)s waarden, de eerste regel heeft %(width)s kolommen")
                % {"found": len(values), "width": width},
            )
            continue
        problems, staged = checker.check([values[i].strip() for i in order])
        if problems:
            error(line, "; ".join(problems))
            continue
        batch.append((str(line) if as_text else line, *staged))  # type: ignore[misc]
        if len(batch) >= BATCH:
            staging.write(batch)
            batch.clear()
            if on_progress:
                on_progress(lines.bytes_read, result.rows)
    if batch:
        staging.write(batch)
    if on_progress:
        on_progress(lines.bytes_read, result.rows)
    return result
