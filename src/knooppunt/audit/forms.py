"""The "Logboek" filter: a period (van, tot en met), an action chosen by group, and a person."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import describe

_DATE: dict[str, Any] = {
    "required": False,
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "input_formats": ["%Y-%m-%d", "%d-%m-%Y"],
    "error_messages": {"invalid": _("Vul een datum in als dd-mm-jjjj.")},
}


class AuditFilterForm(forms.Form):
    van = forms.DateField(label=_("Van"), **_DATE)
    tot = forms.DateField(label=_("Tot en met"), **_DATE)
    actie = forms.ChoiceField(label=_("Actie"), required=False)
    gebruiker = forms.CharField(
        label=_("Gebruiker"),
        required=False,
        max_length=150,
        help_text=_("Gebruikersnaam van wie iets deed, of van de gebruiker waar het over gaat."),
    )

    def __init__(self, *args, operator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actie"].choices = [  # type: ignore[attr-defined]
            ("", _("alle acties")),
            *describe.grouped_choices(operator=operator),
        ]

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("van"), data.get("tot")
        if start and end and end < start:
            self.add_error("tot", ValidationError(_("Deze datum ligt vóór de datum 'Van'.")))
        return data

    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        return self.cleaned_data.get("van"), self.cleaned_data.get("tot")
