"""The forms of the registertoets: the question, the bulk file, the register's import and the
operator's BSN search. Field checks are the services' own (lookup.check), shown per field."""

from __future__ import annotations

import csv
import datetime
import io

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import bsn as bsn_module
from . import lookup
from .models import ImportMode, Reden

BULK_MAX_ROWS = 10_000
BULK_MAX_BYTES = 2 * 1024 * 1024  # 10,000 rows of BSN and date are about 200 kB


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class IsoDateField(forms.DateField):
    """A date as the browser's date field sends it (YYYY-MM-DD), or as people write it
    (DD-MM-JJJJ), with a Dutch message for anything else."""

    widget = DateInput

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m-%d", "%d-%m-%Y"], **kwargs)
        self.error_messages["invalid"] = gettext_lazy(
            "Vul een bestaande datum in, bijvoorbeeld 1950-03-31 of 31-03-1950."
        )


def _reason_choices():
    return [("", gettext_lazy("— kies een reden —")), *Reden.choices]


class RaadplegenForm(forms.Form):
    bsn = forms.CharField(
        label=gettext_lazy("BSN"),
        max_length=20,
        error_messages={"required": gettext_lazy("Vul het BSN in.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=gettext_lazy("Het burgerservicenummer: 9 cijfers."),
    )
    geboortedatum = IsoDateField(
        label=gettext_lazy("Geboortedatum"),
        error_messages={"required": gettext_lazy("Vul de geboortedatum in.")},
    )
    reden = forms.ChoiceField(
        label=gettext_lazy("Reden van raadpleging"),
        choices=_reason_choices,
        error_messages={
            "required": gettext_lazy("Kies de reden van de raadpleging."),
            "invalid_choice": gettext_lazy("Kies een van de redenen van de lijst."),
        },
    )
    peildatum = IsoDateField(
        label=gettext_lazy("Peildatum"),
        required=False,
        help_text=gettext_lazy("Leeg: vandaag. De indicaties die op deze datum geldig zijn."),
    )

    def clean(self):
        data = super().clean() or {}
        try:
            data["vraag"] = lookup.check(
                data.get("bsn", ""),
                data.get("geboortedatum"),
                data.get("reden", ""),
                data.get("peildatum"),
            )
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                if name not in self.errors:  # a field's own message (unreadable date) stands
                    self.add_error(name, errors)
        return data


class BulkForm(forms.Form):
    bestand = forms.FileField(
        label=gettext_lazy("Bestand (CSV)"),
        required=False,
        error_messages={
            "empty": gettext_lazy(
                "Het bestand is leeg: de eerste regel moet bsn,geboortedatum zijn."
            )
        },
        help_text=gettext_lazy(
            "Eerste regel <code>bsn,geboortedatum</code>, daarna één cliënt per regel; datums als "
            "JJJJ-MM-DD, komma of puntkomma als scheidingsteken; ten hoogste 10.000 regels."
        ),
    )
    reden = forms.ChoiceField(
        label=gettext_lazy("Reden van raadpleging"), choices=_reason_choices, required=False
    )

    def clean_reden(self):
        value = self.cleaned_data.get("reden")
        if not value:
            raise ValidationError(_("Kies de reden van de raadpleging."))
        return value

    def clean_bestand(self):
        upload = self.cleaned_data.get("bestand")
        if upload is None:
            raise ValidationError(_("Kies een CSV-bestand."))
        if upload.size > BULK_MAX_BYTES:
            raise ValidationError(
                _("Het bestand is groter dan 2 MB; een bestand heeft ten hoogste 10.000 regels.")
            )
        rows, problems = read_bulk(upload.read())
        if problems:
            raise ValidationError(problems)
        self.rows = rows
        return upload


def read_bulk(raw: bytes, *, today: datetime.date | None = None):
    """The (BSN, geboortedatum) rows of a bulk file, or the Dutch messages that refuse it:
    the file as a whole, or every bad row with its line number (nothing is checked then)."""
    today = today or lookup.today()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        return [], [_("Het bestand is als UTF-16 opgeslagen. Sla het op als UTF-8 (CSV UTF-8).")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [], [
            _(
                "Het bestand is geen UTF-8 (regel %(line)s). Sla het op als UTF-8 (CSV UTF-8); "
                "een BOM aan het begin mag."
            )
            % {"line": line}
        ]
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [], [_("Het bestand is leeg: de eerste regel moet bsn,geboortedatum zijn.")]
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [c.strip().lower() for c in next(reader)]
    except csv.Error:
        return [], [_("De eerste regel is geen geldige CSV-regel.")]
    missing = [c for c in ("bsn", "geboortedatum") if c not in header]
    if missing or len(header) != 2:
        return [], [
            _("De eerste regel moet precies de kolommen bsn,geboortedatum hebben (nu: %(found)s).")
            % {"found": delimiter.join(header) or _("leeg")}
        ]
    at_bsn, at_date = header.index("bsn"), header.index("geboortedatum")
    rows: list[tuple[str, datetime.date]] = []
    problems: list[str] = []
    count = 0
    try:
        for values in reader:
            if not values or not any(v.strip() for v in values):
                continue
            count += 1
            if count > BULK_MAX_ROWS:
                return [], [
                    _(
                        "Het bestand heeft meer dan %(max)s regels; "
                        "splits het in kleinere bestanden."
                    )
                    % {"max": f"{BULK_MAX_ROWS:,}".replace(",", ".")}
                ]
            line = reader.line_num
            if len(values) != 2:
                problems.append(
                    _("Regel %(line)s: verwacht 2 waarden (bsn en geboortedatum).") % {"line": line}
                )
                continue
            value = bsn_module.normalise(values[at_bsn])
            birth = lookup.parse_date(values[at_date].strip())
            row_problems = []
            if message := lookup.bsn_error(value):
                row_problems.append(message)
            if birth is None:
                row_problems.append(_("De geboortedatum is geen datum JJJJ-MM-DD."))
            elif message := lookup.date_error(birth, _("geboortedatum"), now=today):
                row_problems.append(message)
            if row_problems:
                problems.append(
                    _("Regel %(line)s: %(problems)s")
                    % {"line": line, "problems": " ".join(row_problems)}
                )
                continue
            assert birth is not None
            rows.append((value, birth))
    except csv.Error:
        return [], [_("Regel %(line)s is geen geldige CSV-regel.") % {"line": reader.line_num}]
    if not count:
        return [], [_("Het bestand bevat geen cliënten (alleen de eerste regel).")]
    return rows, problems


class RegisterImportForm(forms.Form):
    bestand = forms.FileField(label=gettext_lazy("Bestand (CSV)"))
    mode = forms.ChoiceField(
        label=gettext_lazy("Soort import"),
        choices=ImportMode.choices,
        initial=ImportMode.UPSERT,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Bijwerken: elk besluitnummer in het bestand wordt toegevoegd of bijgewerkt. "
            "Vervangen: daarnaast wordt verwijderd wat niet meer in het bestand staat."
        ),
    )


class InzageForm(forms.Form):
    bsn = forms.CharField(
        label=gettext_lazy("BSN"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_bsn(self):
        value = bsn_module.normalise(self.cleaned_data["bsn"])
        if message := lookup.bsn_error(value):
            raise ValidationError(message)
        return value
