"""The forms of the eHerkenning login: choosing the broker, "Persoonlijke instellingen" and the
verification code. Field rules live in accounts.fields; the services apply them."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from knooppunt.accounts import fields


class BrokerChoiceForm(forms.Form):
    broker = forms.ModelChoiceField(
        queryset=None,
        label=_("eHerkenningmakelaar"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Kies de eHerkenningmakelaar van uw organisatie."),
            "invalid_choice": _("Kies een eHerkenningmakelaar uit de lijst."),
        },
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, brokers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["broker"].queryset = brokers
        only = list(brokers[:2])
        if len(only) == 1:
            self.fields["broker"].initial = only[0].pk


class PersonalSettingsForm(forms.Form):
    """BIDN 2.2 "Persoonlijke instellingen"."""

    voorletters = fields.name_field("voorletters", _("Voorletters"))
    voornaam = fields.name_field(
        "voornaam", _("Voornaam"), widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    tussenvoegsel = fields.name_field("tussenvoegsel", _("Tussenvoegsel"))
    achternaam = fields.name_field(
        "achternaam",
        _("Achternaam"),
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = fields.name_field(
        "email",
        _("E-mail"),
        required=True,
        help_text=_("Uw persoonlijke werkadres, zoals naam@organisatienaam.nl."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    telefoonnummer = forms.CharField(
        label=_("Telefoonnummer (mobiel)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, organisation=None, **kwargs):
        self.organisation = organisation
        super().__init__(*args, **kwargs)

    # Every field checked in the same round as the names (the service checks them again). An
    # address already in use is the service's to judge: an appointed administrator's is allowed.
    def clean_email(self):
        value = self.cleaned_data["email"]
        if self.organisation is None:
            return value
        try:
            return fields.clean_email(value, self.organisation)
        except ValidationError as exc:
            if exc.code == "duplicate":
                return value
            raise

    def clean_telefoonnummer(self):
        return fields.clean_mobile(self.cleaned_data["telefoonnummer"])


class VerificationForm(forms.Form):
    code = forms.CharField(
        label=_("Verificatiecode"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Vul de verificatiecode in.")},
    )
