"""CSV in and out: reading an import file into rows, and writing the list and the audit trail.

Files are written the way Dutch spreadsheet programs open them without questions: semicolons,
UTF-8 with a byte-order mark. Cells that a spreadsheet would run as a formula are defused.
"""

import csv
import io

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.accounts.services import PERSONAL_FIELDS

from .services import ImportRow

COLUMNS = PERSONAL_FIELDS  # the create form's fields, in its order
REQUIRED_COLUMNS = ("voorletters", "voornaam", "achternaam", "email")
ALIASES = {"e-mail": "email", "e_mail": "email", "uzi-nummer": "uzi_nummer", "uzi": "uzi_nummer"}
MAX_ROWS = 1000


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in Dutch."""


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("Het bestand is geen leesbaar tekstbestand (gebruik UTF-8)."))


def _column(name: str) -> str:
    key = name.strip().lower().replace(" ", "_")
    return ALIASES.get(key, key)


def read_rows(upload) -> list[ImportRow]:
    text = _decode(upload.read())
    if "\x00" in text:
        raise ImportFileError(_("Het bestand is geen CSV-bestand."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(_("Het bestand is leeg.")) from None
    except csv.Error:
        raise ImportFileError(_("Het bestand is geen geldig CSV-bestand.")) from None
    columns = [_column(c) for c in header]
    unknown = [c for c in columns if c and c not in COLUMNS]
    if unknown:
        raise ImportFileError(
            _("Onbekende kolom(men): %(names)s. Toegestaan: %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(COLUMNS)}
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportFileError(
            _("De kolom(men) %(names)s ontbreken in de eerste regel.")
            % {"names": ", ".join(missing)}
        )
    rows: list = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(
                    _("Het bestand heeft meer dan %(max)s regels.") % {"max": MAX_ROWS}
                )
            data = dict.fromkeys(COLUMNS, "")
            for name, value in zip(columns, values, strict=False):
                if name:
                    data[name] = value.strip()
            row = ImportRow(line=reader.line_num, data=data)
            if len(values) > len(columns):
                row.errors.append(_("Deze regel heeft meer waarden dan er kolommen zijn."))
            rows.append(row)
    except csv.Error:
        raise ImportFileError(
            _("Regel %(line)s is geen geldige CSV-regel.") % {"line": reader.line_num}
        ) from None
    if not rows:
        raise ImportFileError(_("Het bestand bevat geen gebruikers."))
    return rows


def _safe(value) -> str:
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """Stream rows (iterables of cells) as a CSV download."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_safe(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def format_datetime(value) -> str:
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M") if value else ""
