"""The forms of berichtenverkeer: the upload and the search of the lists."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Status
from .standards.registry import PRODUCTS, type_names


class UploadForm(forms.Form):
    product = forms.ChoiceField(label=_("Product"), widget=forms.RadioSelect)
    bestand = forms.FileField(
        label=_("Bestand"),
        help_text=_(
            "Eén XML-bericht of een ZIP-bestand met ten hoogste 100 XML-berichten, tot 25 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xml,.zip,application/xml,application/zip"}
        ),
    )

    def __init__(self, *args, products: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["product"]).choices = [
            (code, PRODUCTS[code]) for code in products
        ]
        if len(products) == 1:
            self.fields["product"].initial = products[0]


SORTS = {
    "datum": "created_at",
    "identificatie": "identificatie",
    "type": "message_type",
    "tegenpartij": "counterparty",
    "status": "status",
}


class MessageFilterForm(forms.Form):
    """Search, sort and page of "Ontvangen berichten" and "Verzonden berichten": all in the URL."""

    identificatie = forms.CharField(label=_("BerichtIdentificatie"), max_length=40, required=False)
    type = forms.ChoiceField(label=_("Berichttype"), required=False)
    tegenpartij = forms.CharField(label=_("Afzender"), max_length=100, required=False)
    van = forms.DateField(
        label=_("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tot = forms.DateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    product = forms.ChoiceField(label=_("Product"), required=False)
    laat = forms.BooleanField(label=_("Alleen met late retour"), required=False)
    sorteer = forms.CharField(required=False, max_length=20)
    pagina = forms.CharField(required=False, max_length=10)

    def __init__(self, *args, products: list[str], outbox: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        names = [n for p in products for n in type_names(p)]
        cast(forms.ChoiceField, self.fields["type"]).choices = [("", _("Alle"))] + [
            (n, n) for n in names
        ]
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("Alle"))] + list(
            Status.choices
        )
        cast(forms.ChoiceField, self.fields["product"]).choices = [("", _("Alle"))] + [
            (p, PRODUCTS[p]) for p in products
        ]
        self.fields["tegenpartij"].label = _("Ontvanger") if outbox else _("Afzender")
        if not outbox:
            del self.fields["laat"]

    def clean_sorteer(self) -> str:
        value = self.cleaned_data.get("sorteer") or "-datum"
        return value if value.lstrip("-") in SORTS else "-datum"

    def clean(self):
        data = super().clean() or {}
        if data.get("van") and data.get("tot") and data["tot"] < data["van"]:
            self.add_error("tot", _("De einddatum ligt vóór de begindatum."))
        return data
