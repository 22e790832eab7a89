"""Checks for the identifiers an organisation carries (AGB, gemeentecode, KvK, OIN, postcode)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import postcode as nl_postcode


def _digits(value: str, length: int, message) -> str:
    value = (value or "").strip()
    if not re.fullmatch(rf"\d{{{length}}}", value):
        raise ValidationError(message, code="invalid")
    return value


def validate_agb(value: str) -> None:
    """AGB-code: 8 digits; the first two are the zorgsoort (type of care), never 00."""
    _digits(value, 8, _("Een AGB-code bestaat uit 8 cijfers."))
    if value.startswith("00"):
        raise ValidationError(_("Een AGB-code begint niet met 00."), code="invalid")


def validate_gemeentecode(value: str) -> None:
    """CBS gemeentecode: 4 digits, not 0000."""
    _digits(value, 4, _("Een gemeentecode bestaat uit 4 cijfers."))
    if value == "0000":
        raise ValidationError(_("0000 is geen geldige gemeentecode."), code="invalid")


def validate_kvk(value: str) -> None:
    """KvK-nummer: 8 digits (the 11-check was dropped by the KvK in 2016)."""
    _digits(value, 8, _("Een KvK-nummer bestaat uit 8 cijfers."))
    if value == "00000000":
        raise ValidationError(_("00000000 is geen geldig KvK-nummer."), code="invalid")


def validate_vestigingsnummer(value: str) -> None:
    _digits(value, 12, _("Een vestigingsnummer bestaat uit 12 cijfers."))


def validate_oin(value: str) -> None:
    """Organisatie-identificatienummer: 20 digits."""
    _digits(value, 20, _("Een OIN bestaat uit 20 cijfers."))


def validate_postcode(value: str) -> None:
    try:
        nl_postcode.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("Vul een geldige Nederlandse postcode in, bijvoorbeeld 3528 BD."), code="invalid"
        ) from exc


def normalise_postcode(value: str) -> str:
    """'3528bd' -> '3528 BD'."""
    compact = nl_postcode.compact(value)
    return f"{compact[:4]} {compact[4:]}"


DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate_domain(value: str) -> None:
    if not DOMAIN_RE.match((value or "").strip().lower()):
        raise ValidationError(
            _("%(value)s is geen geldig e-maildomein (bijvoorbeeld gemeente.nl)."),
            params={"value": value},
            code="invalid",
        )
