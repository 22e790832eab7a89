"""Field rules for users (SPEC 3): personal e-mail inside the organisation's domains, mobile
number and UZI-nummer formats. Each refusal is a Dutch message for the field it concerns."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from knooppunt.core import sql

from .models import Status, User

# Shared mailboxes are not personal (Portero 3.2: "Algemene adressen zoals bv. info@ voldoen niet").
ROLE_MAILBOXES = frozenset(
    [
        "admin",
        "administratie",
        "beheer",
        "beheerder",
        "contact",
        "directie",
        "facturatie",
        "financien",
        "helpdesk",
        "info",
        "informatie",
        "kantoor",
        "mail",
        "noreply",
        "no-reply",
        "office",
        "post",
        "postbus",
        "postmaster",
        "receptie",
        "sales",
        "secretariaat",
        "service",
        "servicedesk",
        "support",
        "team",
        "webmaster",
        "zorg",
        "zorgadministratie",
    ]
)


def clean_email(email: str, organisation, *, exclude_user_id=None) -> str:
    email = (email or "").strip()
    if not email:
        raise ValidationError(_("Vul een e-mailadres in."), code="required")
    if len(email) > 254:  # the column's length (RFC 5321's limit for a path)
        raise ValidationError(_("Een e-mailadres heeft ten hoogste 254 tekens."), code="max_length")
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("Vul een geldig e-mailadres in."), code="invalid") from None
    local, _at, domain = email.rpartition("@")
    domain = domain.lower()
    email = f"{local}@{domain}"
    if local.lower() in ROLE_MAILBOXES:
        raise ValidationError(
            _(
                "Gebruik een persoonlijk werk-e-mailadres, zoals naam@organisatienaam.nl. "
                "Algemene adressen zoals %(local)s@ voldoen niet."
            )
            % {"local": local.lower()},
            code="role_address",
        )
    domains = organisation.domain_list()
    if domains and domain not in domains:
        raise ValidationError(
            _("Het e-mailadres moet binnen het domein van uw organisatie vallen (%(domains)s).")
            % {"domains": ", ".join(domains)},
            code="foreign_domain",
        )
    clash = User.objects.filter(email__iexact=email).exclude(status=Status.DELETED)
    if exclude_user_id is not None:
        clash = clash.exclude(pk=exclude_user_id)
    if clash.exists():
        raise ValidationError(_("Dit e-mailadres is al in gebruik."), code="duplicate")
    return email


def clean_mobile(value: str) -> str:
    """Dutch mobile numbers for SMS codes: 06 12345678 or +31 6 12345678 -> +31612345678."""
    compact = re.sub(r"[\s\-().]", "", value or "")
    if not compact:
        return ""
    match = re.fullmatch(r"(?:\+31|0031|0)6(\d{8})", compact)
    if not match:
        raise ValidationError(
            _("Vul een mobiel nummer in, bijvoorbeeld 06 12345678 of +31 6 12345678."),
            code="invalid",
        )
    return f"+316{match.group(1)}"


def clean_uzi(value: str) -> str:
    """The UZI-nummer from the UZI-register's letter (9 digits), not the card number."""
    compact = re.sub(r"\s", "", value or "")
    if compact and not re.fullmatch(r"\d{9}", compact):
        raise ValidationError(
            _("Een UZI-nummer bestaat uit 9 cijfers. Let op: dit is niet het pasnummer."),
            code="invalid",
        )
    return compact


def name_field(name: str, label, *, required: bool | None = None, **kwargs) -> forms.CharField:
    """A form field for one of the user's name or e-mail columns: as long as the column, and
    required unless the column may be blank (the e-mail column may, for erased users; its forms
    say `required=True`). The forms that take a person's name (the
    administrator's, Persoonlijke instellingen, the aanmelding) use it, so a value a form
    accepts always fits the table; the CSV import checks the same columns in
    `services.clean_personal_data`."""
    column = sql.field(User, name)
    if required is None:
        required = not column.blank
    return forms.CharField(label=label, max_length=column.max_length, required=required, **kwargs)
