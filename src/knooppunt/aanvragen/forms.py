"""The forms of the submitter's screens and the console's actions. They only parse: the checks
that matter (BSN, dates, the profile, the workflow) are the services', so the webservice gets
the same answers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NODIG_HANDTEKENING, BijlageSoort, Ondertekenaar, Ondertekening, Uitkomst
from .soorten import DATUM, Soort

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label, help_text=""):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"invalid": _("Vul een geldige datum in (dd-mm-jjjj).")},
    )


class KiesForm(forms.Form):
    """Kies aanvraag: the kinds the organisation's profile allows."""

    soort = forms.ChoiceField(
        label=_("Kies aanvraag"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een aanvraagsoort."),
            "invalid_choice": _("Deze aanvraagsoort kunt u niet kiezen."),
        },
    )

    def __init__(self, *args, soorten=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["soort"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, Soort(s).label) for s in soorten]


class AanvraagForm(forms.Form):
    bsn = forms.CharField(
        label=_("BSN"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Het burgerservicenummer van de cliënt: 9 cijfers."),
    )
    voorletters = forms.CharField(label=_("voorletters"), required=False, max_length=20)
    tussenvoegsel = forms.CharField(label=_("tussenvoegsel"), required=False, max_length=30)
    achternaam = forms.CharField(label=_("achternaam"), required=False, max_length=150)
    geboortedatum = _date(_("geboortedatum"))
    spoed = forms.BooleanField(label=_("Spoed"), required=False)
    spoed_reden = forms.CharField(
        label=_("Reden van spoed"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij spoed: waarom kan het besluit niet 6 weken wachten?"),
    )
    gewenste_datum = _date(_("Gewenste datum"))
    toelichting = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    ondertekenaar = forms.ChoiceField(
        label=_("Wie is de aanvrager (en ondertekent)?"),
        choices=Ondertekenaar.choices,
        widget=forms.RadioSelect,
        initial=Ondertekenaar.CLIENT,
        required=False,
    )
    vertegenwoordiger_naam = forms.CharField(
        label=_("Naam van de vertegenwoordiger"), required=False, max_length=200
    )
    vertegenwoordiger_relatie = forms.CharField(
        label=_("Relatie tot de cliënt"),
        required=False,
        max_length=100,
        help_text=_("Bijvoorbeeld: curator, mentor, wettelijk vertegenwoordiger, partner."),
    )
    ondertekening = forms.ChoiceField(
        label=_("Handtekening"),
        choices=Ondertekening.choices,
        widget=forms.RadioSelect,
        initial=Ondertekening.WACHT,
        required=False,
    )
    aanmelder_functie = forms.CharField(label=_("Uw functie"), required=False, max_length=100)
    aanmelder_telefoon = forms.CharField(
        label=_("Uw telefoonnummer"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, soort: str, **kwargs):
        super().__init__(*args, **kwargs)
        datum = DATUM.get(soort)
        if datum is None:
            del self.fields["gewenste_datum"]
        else:
            field = self.fields["gewenste_datum"]
            field.label = str(datum.label)
            field.help_text = str(datum.help_text)

    def data_for_service(self) -> dict:
        return dict(self.cleaned_data)


class RedenForm(forms.Form):
    reden = forms.CharField(
        label=_("Reden"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vul de reden in.")},
    )


class AanvullenForm(forms.Form):
    opmerking = forms.CharField(
        label=_("Toelichting bij de aanvulling"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OpmerkingForm(forms.Form):
    opmerking = forms.CharField(
        label=_("Opmerking"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OpschortenForm(forms.Form):
    reden = forms.CharField(
        label=_("Reden van opschorten"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vul de reden van opschorten in.")},
    )
    nodig = forms.MultipleChoiceField(
        label=_("Wat is er nodig?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies wat de indiener moet aanvullen.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["nodig"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(NODIG_HANDTEKENING, _("De handtekening"))] + [
            (k.code, k.naam) for k in BijlageSoort.objects.exclude(code=BijlageSoort.ONDERTEKENING)
        ]


class BesluitForm(forms.Form):
    uitkomst = forms.ChoiceField(
        label=_("Besluit"),
        choices=Uitkomst.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies het besluit: toegekend of afgewezen.")},
    )
    besluitdatum = forms.DateField(
        label=_("Besluitdatum"),
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages={
            "required": _("Vul de datum van het besluit in."),
            "invalid": _("Vul een geldige datum in (dd-mm-jjjj)."),
        },
    )
    opmerking = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
