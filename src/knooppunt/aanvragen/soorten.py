"""The kinds of Wlz-aanvraag and which organisation profile allows which (Portero 3.4, SPEC 4.4),
with the date each kind asks for."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from knooppunt.organisations.models import Profile

PRODUCT = "wlz-aanvragen"


class Soort(models.TextChoices):
    REGULIER = "regulier", _("Reguliere Wlz-aanvraag")
    WZD_ARTIKEL_21 = "wzd-artikel-21", _("Wzd-toets artikel 21-aanvraag")
    PARTNERVERBLIJF = "partnerverblijf", _("Partnerverblijf")


# Portero 3.4: "Naam gewenst profiel" -> "Aanvraagsoorten".
PROFIEL_SOORTEN: dict[str, tuple[Soort, ...]] = {
    Profile.BASIS: (Soort.REGULIER, Soort.WZD_ARTIKEL_21),
    Profile.VOLLEDIG: (Soort.REGULIER, Soort.WZD_ARTIKEL_21, Soort.PARTNERVERBLIJF),
}


@dataclass(frozen=True)
class Datum:
    """The date a kind asks for: its label and whether it is needed to submit."""

    label: Promise
    verplicht: bool
    help_text: Promise


DATUM: dict[str, Datum] = {
    Soort.REGULIER: Datum(
        _("Gewenste ingangsdatum"),
        False,
        _("Vanaf wanneer de cliënt zorg uit de Wlz nodig heeft, als dat al bekend is."),
    ),
    Soort.WZD_ARTIKEL_21: Datum(
        _("Opnamedatum"),
        True,
        _("De (geplande) datum van opname in de Wzd-accommodatie."),
    ),
    Soort.PARTNERVERBLIJF: Datum(
        _("Gewenste ingangsdatum"),
        True,
        _("Vanaf wanneer de partner in de instelling wil verblijven."),
    ),
}


def soorten_voor(profile: str) -> tuple[Soort, ...]:
    """The kinds an organisation with this profile may submit."""
    return PROFIEL_SOORTEN.get(profile, ())


def toegestaan(profile: str, soort: str) -> bool:
    return soort in soorten_voor(profile)
