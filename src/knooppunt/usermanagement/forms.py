"""Forms of the administrator's screens. The field rules of SPEC 3 (personal e-mail in the
organisation's domains, UZI-nummer, mobile number) are those of `accounts.fields`: the forms run
them on every field, so that one round shows every error, and the services run them again
before anything is written."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from knooppunt.accounts import fields as account_fields
from knooppunt.accounts.services import PERSONAL_FIELDS

from . import roles

UZI_HELP = _(
    "<strong>Let op:</strong> hier dient u het UZI-nummer in te vullen. Dit is niet het "
    "pasnummer. De eigenaar van de pas heeft het UZI-nummer per brief van het UZI-register "
    "ontvangen."
)


def switch(label):
    return forms.BooleanField(
        label=label, required=False, widget=forms.CheckboxInput(attrs={"role": "switch"})
    )


class UserForm(forms.Form):
    """The fields of Portero 3.2 / 3.3, with the manual's lower-case labels."""

    voorletters = account_fields.name_field("voorletters", _("voorletters"))
    voornaam = account_fields.name_field("voornaam", _("voornaam"))
    tussenvoegsel = account_fields.name_field("tussenvoegsel", _("tussenvoegsel"))
    achternaam = account_fields.name_field("achternaam", _("achternaam"))
    email = account_fields.name_field(
        "email", _("email"), required=True, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    uzi_nummer = forms.CharField(
        label=_("UZI-nummer"), max_length=20, required=False, help_text=UZI_HELP
    )
    telefoonnummer = forms.CharField(
        label=_("telefoonnummer"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    memo = forms.CharField(
        label=_("memo"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisation=None, exclude_user_id=None, **kwargs):
        self.organisation, self.exclude_user_id = organisation, exclude_user_id
        super().__init__(*args, **kwargs)

    # Each field checked on its own, so that a missing name does not hide a wrong e-mail address.
    def clean_email(self):
        value = self.cleaned_data["email"]
        if self.organisation is None:
            return value
        return account_fields.clean_email(
            value, self.organisation, exclude_user_id=self.exclude_user_id
        )

    def clean_telefoonnummer(self):
        return account_fields.clean_mobile(self.cleaned_data["telefoonnummer"])

    def clean_uzi_nummer(self):
        return account_fields.clean_uzi(self.cleaned_data["uzi_nummer"])

    def personal_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in PERSONAL_FIELDS}


class UserEditForm(UserForm):
    """ "Gebruiker wijzigen (id)": the personal data, the switches, the administrator right and a
    Gebruiker/Productbeheerder choice per product of the organisation."""

    nieuwsbrief = switch(_("nieuwsbrief"))
    contactpersoon = switch(_("contactpersoon"))
    is_administrator = switch(_("gebruikersbeheerder"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user, products, roles_editable: bool, **kwargs):
        self.user = user
        held = {(g.product_id, g.role) for g in user.role_grants.all() if g.active}
        initial = {name: getattr(user, name) for name in PERSONAL_FIELDS}
        initial.update(
            nieuwsbrief=user.nieuwsbrief,
            contactpersoon=user.contactpersoon,
            is_administrator=user.is_administrator,
            version=user.version,
        )
        self.role_groups = []
        self.role_fields: dict[str, tuple[str, str]] = {}
        super().__init__(
            *args,
            initial=initial,
            organisation=user.organisation,
            exclude_user_id=user.pk,
            **kwargs,
        )
        self.fields["is_administrator"].help_text = _(
            "Beheert de gebruikers van de eigen organisatie."
        )
        for product in products:
            names = []
            for role in product.roles():
                name = f"rol_{product.code}_{role.value}"
                self.fields[name] = forms.BooleanField(
                    label=role.label,
                    required=False,
                    disabled=not roles_editable,
                    help_text=roles.explain(product.code, role.value),
                )
                initial[name] = (product.pk, role.value) in held
                self.role_fields[name] = (product.code, role.value)
                names.append(name)
            self.role_groups.append((product, names))
        self.roles_editable = roles_editable

    def bound_role_groups(self):
        return [(product, [self[name] for name in names]) for product, names in self.role_groups]

    def grants(self) -> set[tuple[str, str]]:
        return {key for name, key in self.role_fields.items() if self.cleaned_data.get(name)}

    def switches(self) -> dict:
        return {
            name: self.cleaned_data.get(name, False) for name in ("nieuwsbrief", "contactpersoon")
        }


class DeactivateForm(forms.Form):
    until = forms.DateField(
        label=_("Gedeactiveerd tot (optioneel)"),
        required=False,
        help_text=_(
            "Op deze datum wordt de gebruiker automatisch weer actief. Formaat: dd-mm-jjjj."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
    )


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vul een reden in.")},
    )


class ImportForm(forms.Form):
    ALL_OR_NOTHING = "alles"
    VALID_ONLY = "geldige"
    MAX_BYTES = 1_000_000

    file = forms.FileField(
        label=_("CSV-bestand"),
        help_text=_(
            "Eerste regel: de kolomnamen voorletters, voornaam, tussenvoegsel, achternaam, email, "
            "uzi_nummer, telefoonnummer, memo (gescheiden door puntkomma's of komma's). "
            "Ten hoogste 1000 regels."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"required": _("Kies een CSV-bestand.")},
    )
    mode = forms.ChoiceField(
        label=_("Als een regel fouten bevat"),
        choices=[
            (ALL_OR_NOTHING, _("niets importeren")),
            (VALID_ONLY, _("alleen de geldige regels importeren")),
        ],
        initial=ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("Het bestand is te groot (ten hoogste 1 MB)."))
        return upload
