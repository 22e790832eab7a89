"""The form of "Nieuwe koppeling" on the Koppelingen page."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import tokens


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Naam"),
        max_length=100,
        help_text=_("Bijvoorbeeld de naam van het systeem: “Entra ID” of “HR-systeem”."),
    )
    expires_on = forms.DateField(
        label=_("Geldig tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leeg: geldig tot u de koppeling intrekt."),
    )
    networks = forms.CharField(
        label=_("Toegestane IP-adressen of netwerken"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Eén per regel, zoals 192.0.2.10 of 198.51.100.0/24. Leeg: vanaf elk adres."),
    )

    def clean_networks(self) -> list[str]:
        try:
            return tokens.parse_networks(self.cleaned_data.get("networks") or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
