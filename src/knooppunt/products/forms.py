"""Forms of the "Productinstellingen" tab. They check shapes only; the rules (domains, networks,
dates) are in the services, whose ValidationErrors the views put next to these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import GRACE_CHOICES_HOURS


class NotificationAddressForm(forms.Form):
    email = forms.CharField(
        label=_("E-mailadres voor meldingen"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Bijvoorbeeld berichten@uworganisatie.nl. Een functioneel adres mag hier."),
    )


class CredentialForm(forms.Form):
    name = forms.CharField(
        label=_("Naam"),
        max_length=100,
        help_text=_("Waar de koppeling voor is, bijvoorbeeld “Suite4Jeugd productie”."),
    )
    expires_on = forms.DateField(
        label=_("Geldig tot en met (optioneel)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        help_text=_("Leeg: geldig tot u de koppeling intrekt. Formaat: dd-mm-jjjj."),
    )
    networks = forms.CharField(
        label=_("Toegestane IP-adressen of netwerken (optioneel)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Eén per regel, bijvoorbeeld 192.0.2.0/24 of 2001:db8::/48. Leeg: elk adres. "
            "Een verzoek van een ander adres wordt geweigerd."
        ),
    )


def _grace_label(hours: int) -> str:
    if hours == 0:
        return str(_("Geen: de huidige sleutel werkt direct niet meer"))
    if hours < 24:
        return str(_("%(n)d uur") % {"n": hours})
    days = hours // 24
    return str(_("1 dag") if days == 1 else _("%(n)d dagen") % {"n": days})


class RotateForm(forms.Form):
    grace_hours = forms.TypedChoiceField(
        label=_("Hoe lang blijft de huidige sleutel nog werken?"),
        coerce=int,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grace_hours"].choices = [  # type: ignore[attr-defined]
            (h, _grace_label(h)) for h in GRACE_CHOICES_HOURS
        ]


class RateLimitForm(forms.Form):
    rate_limit = forms.IntegerField(
        label=_("Limiet (verzoeken per venster)"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=_("Leeg: de standaardlimiet van de installatie."),
    )
