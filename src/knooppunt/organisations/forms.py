from django import forms
from django.utils.translation import gettext_lazy as _


class ChangeRequestForm(forms.Form):
    text = forms.CharField(
        label=_("Gewenste wijziging"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Beschrijf welke gegevens moeten worden gewijzigd en wat de nieuwe waarde is."),
        error_messages={"required": _("Beschrijf de gewenste wijziging.")},
    )
