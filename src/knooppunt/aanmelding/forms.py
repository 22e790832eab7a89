"""The public form "Aanmelden gebruikersbeheerder" and the operator's accept and reject forms."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knooppunt.access.models import Product
from knooppunt.accounts import fields as account_fields
from knooppunt.organisations import validators
from knooppunt.organisations.models import AgreementKind, Organisation, OrganisationType

from . import documents
from .models import APPLICANT_TYPES


class _Domain:
    """The organisation as accounts.fields.clean_email reads it: its e-mail domains."""

    def __init__(self, domain: str):
        self.domain = domain

    def domain_list(self) -> list[str]:
        return [self.domain] if self.domain else []


def _digits(label, length, validator, **kwargs):
    return forms.CharField(
        label=label,
        max_length=length,
        validators=[validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        **kwargs,
    )


class ApplicationForm(forms.Form):
    organisation_type = forms.ChoiceField(
        label=_("Soort organisatie"),
        choices=APPLICANT_TYPES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies het soort organisatie.")},
    )
    naam = forms.CharField(
        label=_("Naam organisatie"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    kvk_nummer = _digits(_("KvK-nummer"), 8, validators.validate_kvk)
    agb_code = _digits(
        _("AGB-code"),
        8,
        validators.validate_agb,
        required=False,
        help_text=_("Verplicht voor een zorgaanbieder."),
    )
    gemeentecode = _digits(
        _("Gemeentecode"),
        4,
        validators.validate_gemeentecode,
        required=False,
        help_text=_("Verplicht voor een gemeente: de code van het CBS, 4 cijfers."),
    )
    woonplaats = forms.CharField(label=_("Vestigingsplaats"), max_length=100)
    email_domain = forms.CharField(
        label=_("E-maildomein van de organisatie"),
        max_length=253,
        validators=[validators.validate_domain],
        help_text=_(
            "Het deel achter de @ van de werkadressen, bijvoorbeeld gemeente-voorbeeld.nl."
        ),
    )
    voorletters = account_fields.name_field("voorletters", _("Voorletters"))
    voornaam = account_fields.name_field(
        "voornaam", _("Voornaam"), widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    tussenvoegsel = account_fields.name_field("tussenvoegsel", _("Tussenvoegsel"))
    achternaam = account_fields.name_field(
        "achternaam",
        _("Achternaam"),
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = account_fields.name_field(
        "email",
        _("E-mailadres"),
        required=True,
        help_text=_("Een persoonlijk werkadres binnen het e-maildomein van de organisatie."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    uzi_nummer = forms.CharField(
        label=_("UZI-nummer"),
        max_length=20,
        required=False,
        help_text=_("Niet het pasnummer: het nummer uit de brief van het UZI-register."),
    )
    telefoonnummer = forms.CharField(
        label=_("Mobiel telefoonnummer"),
        max_length=30,
        required=False,
        help_text=_("Voor de verificatiecode bij het inloggen."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    confirm = forms.BooleanField(
        label=_("Ik ben bevoegd deze aanmelding namens de organisatie te doen."),
        error_messages={"required": _("Bevestig dat u bevoegd bent.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One upload per agreement slot: the first, second, ... agreement of each type.
        self.slots: list[dict[str, AgreementKind]] = []
        kinds = list(AgreementKind.objects.filter(organisation_type__in=dict(APPLICANT_TYPES)))
        by_type: dict[str, list[AgreementKind]] = {}
        for kind in sorted(kinds, key=lambda k: (k.volgorde, k.naam)):
            by_type.setdefault(kind.organisation_type, []).append(kind)
        for n in range(max((len(v) for v in by_type.values()), default=0)):
            slot = {t: ks[n] for t, ks in by_type.items() if len(ks) > n}
            self.slots.append(slot)
            names = "; ".join(
                f"{OrganisationType(t).label}: {kind.naam}" for t, kind in sorted(slot.items())
            )
            self.fields[f"document_{n}"] = forms.FileField(
                label=_("Ondertekende overeenkomst %(n)d (PDF)") % {"n": n + 1},
                required=False,
                help_text=names,
                widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
            )
        self.order_fields(["organisation_type", "naam", "kvk_nummer", "agb_code", "gemeentecode"])

    def document_fields(self):
        return [self[f"document_{n}"] for n in range(len(self.slots))]

    def organisation_fields(self):
        names = ["naam", "kvk_nummer", "agb_code", "gemeentecode", "woonplaats", "email_domain"]
        return [self[n] for n in names]

    def administrator_fields(self):
        names = ["voorletters", "voornaam", "tussenvoegsel", "achternaam", "email", "uzi_nummer"]
        return [self[n] for n in [*names, "telefoonnummer"]]

    def clean_email_domain(self):
        return self.cleaned_data["email_domain"].strip().lower()

    def clean_telefoonnummer(self):
        return account_fields.clean_mobile(self.cleaned_data["telefoonnummer"])

    def clean_uzi_nummer(self):
        return account_fields.clean_uzi(self.cleaned_data["uzi_nummer"])

    def clean(self):
        data = super().clean() or {}
        kind = data.get("organisation_type")
        required: dict[str | None, str] = {
            OrganisationType.GEMEENTE: "gemeentecode",
            OrganisationType.ZORGAANBIEDER: "agb_code",
        }
        name = required.get(kind)
        if name and not data.get(name) and name not in self.errors:
            message = (
                _("Vul de gemeentecode in.") if name == "gemeentecode" else _("Vul de AGB-code in.")
            )
            self.add_error(name, message)
        if "email" in data:
            self._check_email(data)
        data["documents"] = {}
        for n, slot in enumerate(self.slots):
            name = f"document_{n}"
            upload = data.get(name)
            if kind in slot and not upload:
                self.add_error(
                    name, _("Upload de ondertekende %(naam)s.") % {"naam": slot[kind].naam}
                )
            elif upload:
                try:
                    checked = documents.check_pdf(upload)
                except ValidationError as exc:
                    self.add_error(name, exc)
                else:
                    if kind in slot:
                        data["documents"][slot[kind].pk] = checked
        return data

    def _check_email(self, data) -> None:
        """Personal, inside the domain. Whether an account already has the address is not said
        to an anonymous visitor: the operator sees it when accepting."""
        email = data["email"].strip()
        try:
            data["email"] = account_fields.clean_email(email, _Domain(data.get("email_domain", "")))
        except ValidationError as exc:
            if exc.code == "duplicate":
                local, _at, domain = email.rpartition("@")
                data["email"] = f"{local}@{domain.lower()}"
            else:
                self.add_error("email", exc)


class AcceptForm(forms.Form):
    """The operator's "Accepteren": a new organisation or an existing one, its products, the
    date the agreements were signed."""

    NEW, EXISTING = "nieuw", "bestaand"
    choice = forms.ChoiceField(
        label=_("Organisatie"),
        choices=[(NEW, _("Nieuwe organisatie aanmaken")), (EXISTING, _("Bestaande organisatie"))],
        widget=forms.RadioSelect,
        initial=NEW,
    )
    existing = forms.ModelChoiceField(
        label=_("Bestaande organisatie"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Organisaties met hetzelfde KvK-nummer, dezelfde AGB-code of gemeentecode."),
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Producten"),
        queryset=Product.objects.order_by("volgorde"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Alleen bij een nieuwe organisatie."),
    )
    signed_on = forms.DateField(
        label=_("Overeenkomsten getekend op"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
    )

    def __init__(self, *args, candidates, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("signed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["existing"].queryset = candidates  # type: ignore[attr-defined]
        if candidates.exists():
            self.fields["choice"].initial = self.EXISTING

    def clean_signed_on(self):
        value = self.cleaned_data["signed_on"]
        if value > timezone.localdate() + datetime.timedelta(days=0):
            raise ValidationError(_("Die datum ligt in de toekomst."))
        return value

    def clean(self):
        data = super().clean() or {}
        if data.get("choice") == self.EXISTING and not data.get("existing"):
            self.add_error("existing", _("Kies de bestaande organisatie."))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Deze tekst krijgt de aanvrager per e-mail."),
        error_messages={"required": _("Vul een reden in.")},
    )
